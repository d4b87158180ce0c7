using System.Globalization;

namespace ActorSim.Simulation.Scenarios;

/// <summary>
/// What a run of a scenario will need, estimated from its sizes before anything is allocated: memory for the model's
/// state (with its integrator's work arrays), disk for the outputs (time series and fields) and the number of steps.
/// Each estimate names the scenario keys that drive it. The estimates are upper-end orders of magnitude (about ×2),
/// meant to refuse what cannot fit, not to predict exactly.
/// </summary>
public sealed record ResourceEstimate(double MemoryBytes, string MemoryKeys, double DiskBytes, string DiskKeys, double Steps, string StepKeys)
{
    /// <summary>Steps above this draw a warning (hours to days of computing at best).</summary>
    public const double WarnSteps = 1e9;

    /// <summary>Steps above this are refused without <c>--force-size</c> (weeks even at a microsecond a step).</summary>
    public const double MaxSteps = 1e12;

    public static string Bytes(double b) => b switch
    {
        >= 1e12 => Fmt(b / 1e12) + " TB",
        >= 1e9 => Fmt(b / 1e9) + " GB",
        >= 1e6 => Fmt(b / 1e6) + " MB",
        >= 1e3 => Fmt(b / 1e3) + " kB",
        _ => Fmt(b) + " bytes",
    };

    public static string Count(double n) => n >= 1e6 ? n.ToString("0.#e0", CultureInfo.InvariantCulture) : Fmt(n);

    private static string Fmt(double x) => x.ToString(x >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture);

    /// <summary>One line: "memory ~1.2 GB (nx, ny), disk ~300 MB (...), ~1e6 steps (...)".</summary>
    public override string ToString() =>
        $"memory ~{Bytes(MemoryBytes)} ({MemoryKeys}), output disk ~{Bytes(DiskBytes)} ({DiskKeys}), ~{Count(Steps)} steps ({StepKeys})";
}

/// <summary>Estimates the resources of a validated scenario (see <see cref="ResourceEstimate"/>).</summary>
public static class ResourceEstimator
{
    private const double Double = 8;
    /// <summary>A time-series row: about this many bytes per column (a number in text and its comma).</summary>
    private const double CsvBytesPerValue = 24;

    public static ResourceEstimate Estimate(Scenario s)
    {
        double rows = s.Time.End / s.Time.OutputInterval + 2;
        double steps = s.Time.Dt is { } dt ? s.Time.End / dt : rows;
        string stepKeys = s.Time.Dt is null ? "at least one per output row, time.end / time.output_interval" : "time.end / time.dt";
        double P(string name, double fallback = 1) => s.Parameters.TryGetValue(name, out double v) ? v : fallback;
        double memory, fieldBytesPerOutput;
        string memoryKeys, diskKeys;
        switch (s.Model)
        {
            case "virus-pde":
            {
                double cells = P("nx") * P("ny");
                memory = cells * 3 * Double * 16;          // u, v, w with the integrator's stages and halos
                fieldBytesPerOutput = cells * 3 * Double;  // fields/u, v, w
                memoryKeys = diskKeys = "parameters nx × ny";
                break;
            }
            case "virus-kinetic":
            {
                double cells = P("nx") * P("ny");
                double directions = P("ny") > 1 ? P("directions", 4) : 2;
                memory = cells * 3 * directions * Double * 8;   // three populations of K velocity densities, with work arrays
                fieldBytesPerOutput = cells * 3 * Double;
                memoryKeys = "parameters nx × ny × directions";
                diskKeys = "parameters nx × ny";
                break;
            }
            case "virus-kinetic-mc":
            {
                double particles = 3 * 4 * P("particles", 10000);   // three populations, counts up to ~4× the nominal as masses grow
                memory = particles * 64 + P("nx") * 3 * Double * 8;
                fieldBytesPerOutput = P("nx") * 3 * Double;
                memoryKeys = "parameters particles, nx";
                diskKeys = "parameters nx";
                break;
            }
            case "huxley-particles":
                memory = P("N", 20000) * 32;
                fieldBytesPerOutput = P("hist_bins", 50) * Double;
                memoryKeys = "parameters N";
                diskKeys = "parameters hist_bins";
                break;
            case "huxley-pde" or "huxley-zahalak":
            {
                double cells = P("cells_per_h", 100) * P("length", 2.5) / P("h", 1);
                memory = cells * Double * 16;
                fieldBytesPerOutput = cells * Double;
                memoryKeys = diskKeys = "parameters cells_per_h × length / h";
                break;
            }
            case "muscle-1d":
                memory = P("N", 10000) * 64 + P("cells", 1000) * Double * 16;
                fieldBytesPerOutput = P("hist_bins", 100) * Double + (s.Choices.TryGetValue("snapshot", out var snap1) && snap1 == "positions" ? P("N", 10000) * Double : 0);
                memoryKeys = "parameters N, cells";
                diskKeys = "parameters hist_bins, snapshot × N";
                break;
            case "muscle-linear" or "muscle-deformation-2d":
            {
                double mesh = P("mesh_nodes", 128);
                memory = P("N", 10000) * 96 + mesh * mesh * Double * 8;
                fieldBytesPerOutput = P("hist_bins", 32) * P("hist_bins", 32) * Double
                    + (s.Choices.TryGetValue("snapshot", out var snap2) && snap2 == "positions" ? P("N", 10000) * 2 * Double : 0);
                memoryKeys = "parameters N, mesh_nodes²";
                diskKeys = "parameters hist_bins², snapshot × N";
                break;
            }
            default:
                memory = 1e3;   // an ODE's few numbers
                fieldBytesPerOutput = 0;
                memoryKeys = "the model's state";
                diskKeys = "output rows";
                break;
        }
        double disk = rows * (fieldBytesPerOutput + 128 + 20 * CsvBytesPerValue);   // .npy headers and a time-series row
        return new ResourceEstimate(memory, memoryKeys, disk, diskKeys == "output rows" ? diskKeys : $"{diskKeys}; output rows", steps, stepKeys);
    }
}
