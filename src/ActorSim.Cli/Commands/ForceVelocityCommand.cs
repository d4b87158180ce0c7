using System.CommandLine;
using System.Globalization;
using System.Text;
using ActorSim.Simulation.Models;
using Spectre.Console;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim force-velocity &lt;scenario&gt; [--velocities …] [--particles N] [--out dir]</c>: Huxley's force–velocity
/// curve from the PDE (two grids, observed order), the moment ODEs and optionally stochastic bridges, against the
/// closed form; table, CSV and SVG.
/// </summary>
public static class ForceVelocityCommand
{
    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "A Huxley scenario (huxley-pde, huxley-particles or huxley-zahalak): its rates, window and grid are used." };
        var velocitiesOption = new Option<string>("--velocities") { Description = "Comma-separated shortening speeds V >= 0 (L/T).", DefaultValueFactory = _ => "0,0.25,0.5,1,2,4,8" };
        var particlesOption = new Option<int>("--particles") { Description = "Also run this many stochastic bridges per speed (0: no particles).", DefaultValueFactory = _ => 0 };
        var outOption = new Option<string?>("--out", "-o") { Description = "Directory for force-velocity.csv and force-velocity.svg (created if missing; these files are replaced)." };
        var loadsOption = new Option<string?>("--loads") { Description = "Also run load clamps (huxley-pde only): comma-separated loads P/F0 in [0, 1); each settles at a speed that must land on the curve (force-velocity-loads.csv). The clamps are the members of a sweep (OUT/load-clamps with --out; run again, the completed ones are kept)." };
        var command = new Command("force-velocity", "Huxley's force-velocity relation from the PDE (and moments, particles, load clamps) against the closed form.") { scenarioArg, velocitiesOption, particlesOption, outOption, loadsOption };
        var preset = SweepPreset.Options(command, "Load-clamp runs");
        command.SetAction(async (parse, cancellation) =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            var velocities = new List<double>();
            foreach (string part in parse.GetValue(velocitiesOption)!.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0) || !double.IsFinite(v))
                {
                    Console.Error.WriteLine($"--velocities: \"{part}\" is not allowed: speeds are finite numbers >= 0, separated by commas (e.g. 0,0.5,1,2)");
                    return ExitCodes.BadInput;
                }
                velocities.Add(v);
            }
            var loads = new List<double>();
            if (parse.GetValue(loadsOption) is { } loadText)
                foreach (string part in loadText.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !(p >= 0 && p < 1))
                    {
                        Console.Error.WriteLine($"--loads: \"{part}\" is not allowed: loads are numbers from 0 (inclusive) to 1 (exclusive), relative to the isometric force F0, separated by commas (e.g. 0.1,0.3,0.6)");
                        return ExitCodes.BadInput;
                    }
                    loads.Add(p);
                }
            int particles = parse.GetValue(particlesOption);
            if (particles < 0 || particles > 100_000_000) { Console.Error.WriteLine($"--particles: {particles} is not allowed: 0 to 10^8"); return ExitCodes.BadInput; }
            if (CliScenario.Load(path) is not { } scenario) return ExitCodes.BadInput;
            IReadOnlyList<ForceVelocityPoint> points;
            IReadOnlyList<LoadClampPoint> clamps = [];
            IReadOnlyList<string> clampAxes = [];
            try
            {
                if (loads.Count > 0) clampAxes = HuxleyForceVelocityStudy.LoadClampAxes(scenario, loads);
                points = HuxleyForceVelocityStudy.Run(scenario, velocities, particles, msg => Console.Error.WriteLine(msg));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            string? dir = parse.GetValue(outOption);
            if (loads.Count > 0)
            {
                // Each load clamp (at the scenario's grid and at half the cell size) is a member of a sweep
                // (OUT/load-clamps with --out); its run.json holds the speed it reached.
                var outcome = await preset.RunAsync(parse, path, clampAxes, dir, "load-clamps", cancellation);
                if (outcome.Exit != ExitCodes.Ok) return outcome.Exit;
                clamps = loads.Select((p, i) => HuxleyForceVelocityStudy.LoadClampPoint(scenario, p,
                    SweepPreset.Value(outcome.Rows[2 * i], "analysis.V_final"), SweepPreset.Value(outcome.Rows[2 * i + 1], "analysis.V_final"))).ToList();
            }
            Print(points, particles);
            if (clamps.Count > 0) PrintClamps(clamps);
            if (dir is not null)
            {
                Write(points, v => HuxleyForceVelocityStudy.ClosedForm(scenario, v), dir);
                if (clamps.Count > 0) WriteClamps(clamps, dir);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string F(double v, string format = "F5") => double.IsNaN(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);

    private static void Print(IReadOnlyList<ForceVelocityPoint> points, int particles)
    {
        var table = new Table().Title(Markup.Escape("Force-velocity relation F(V) / F0 (Huxley 1957)"))
            .AddColumn(Markup.Escape("V")).AddColumn(Markup.Escape("Huxley")).AddColumn(Markup.Escape("PDE")).AddColumn(Markup.Escape("PDE error")).AddColumn(Markup.Escape("PDE dx/2")).AddColumn(Markup.Escape("order")).AddColumn(Markup.Escape("moments")).AddColumn(Markup.Escape("x_min"));
        if (particles > 0) table.AddColumn(Markup.Escape($"particles (N = {particles}) ± sd")).AddColumn(Markup.Escape("z"));
        foreach (var p in points)
        {
            var cells = new List<string> { F(p.V, "G4"), F(p.Huxley), F(p.Pde), F(p.Pde - p.Huxley, "E2"), F(p.PdeHalf), F(p.Order, "F2"), F(p.Zahalak), F(p.WindowMin, "G4") };
            if (p.Particles is { } q)
            {
                cells.Add($"{F(q)} ± {F(p.ParticlesSigma!.Value)}");
                cells.Add(p.ParticlesSigma > 0 ? F((q - p.Huxley) / p.ParticlesSigma.Value, "F2") : "-");
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        CliScenario.Console().Write(table);
    }

    private static void PrintClamps(IReadOnlyList<LoadClampPoint> clamps)
    {
        var table = new Table().Title(Markup.Escape("Load clamps: settled isotonic speed V at load P (Huxley 1957)"))
            .AddColumn("P / F0").AddColumn("V (PDE)").AddColumn("V (PDE dx/2)").AddColumn("V (Huxley)").AddColumn("order").AddColumn(Markup.Escape("F_huxley(V) / F0"));
        foreach (var c in clamps)
            table.AddRow(new[] { F(c.Load, "G4"), F(c.V), F(c.VHalf), F(c.VHuxley), F(c.Order, "F2"), F(c.HuxleyForceAtV) }.Select(Markup.Escape).ToArray());
        CliScenario.Console().Write(table);
    }

    private static void WriteClamps(IReadOnlyList<LoadClampPoint> clamps, string dir)
    {
        var inv = CultureInfo.InvariantCulture;
        var csv = new StringBuilder("load,v,v_half,v_huxley,order,huxley_force_at_v,pde_force_at_v\n");
        foreach (var c in clamps)
            csv.Append(string.Join(",", new[] { c.Load, c.V, c.VHalf, c.VHuxley, c.Order, c.HuxleyForceAtV, c.PdeForceAtV }.Select(v => double.IsNaN(v) ? "" : v.ToString("R", inv)))).Append('\n');
        File.WriteAllText(Path.Combine(dir, "force-velocity-loads.csv"), csv.ToString());
        Console.Out.WriteLine($"Wrote {Path.Combine(dir, "force-velocity-loads.csv")}");
    }

    private static void Write(IReadOnlyList<ForceVelocityPoint> points, Func<double, double> closedForm, string dir)
    {
        Directory.CreateDirectory(dir);
        var inv = CultureInfo.InvariantCulture;
        string R(double? v) => v is { } d ? d.ToString("R", inv) : "";
        var csv = new StringBuilder("V,huxley,pde,pde_error,pde_half,pde_order,zahalak,particles,particles_sd,x_min\n");
        foreach (var p in points)
            csv.Append(string.Join(",", R(p.V), R(p.Huxley), R(p.Pde), R(p.Pde - p.Huxley), R(p.PdeHalf), double.IsNaN(p.Order) ? "" : R(p.Order),
                R(p.Zahalak), R(p.Particles), R(p.ParticlesSigma), R(p.WindowMin))).Append('\n');
        File.WriteAllText(Path.Combine(dir, "force-velocity.csv"), csv.ToString());
        double vMax = Math.Max(points.Max(p => p.V), 1e-3);
        var fine = Enumerable.Range(0, 201).Select(k => vMax * k / 200).ToArray();
        var series = new List<Plotting.XYSeries>
        {
            new("Huxley closed form", fine, fine.Select(closedForm).ToArray(), "#000000", Markers: false),
            new("PDE (upwind)", points.Select(p => p.V).ToArray(), points.Select(p => p.Pde).ToArray(), "#d62728", Line: false),
            new("moments (Zahalak)", points.Select(p => p.V).ToArray(), points.Select(p => p.Zahalak).ToArray(), "#2ca02c", Line: false),
        };
        if (points.Any(p => p.Particles is not null))
            series.Add(new("particles", points.Select(p => p.V).ToArray(), points.Select(p => p.Particles ?? double.NaN).ToArray(), "#1f77b4", Line: false));
        File.WriteAllText(Path.Combine(dir, "force-velocity.svg"), Plotting.XYChart.Svg("Force-velocity relation", "shortening speed V", "F / F0", series));
        Console.Out.WriteLine($"Wrote {Path.Combine(dir, "force-velocity.csv")}, {Path.Combine(dir, "force-velocity.svg")}");
    }
}
