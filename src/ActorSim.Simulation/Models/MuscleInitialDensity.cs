using System.Globalization;
using System.Text.RegularExpressions;
using ActorSim.Numerics.Densities;
using ActorSim.Simulation.Output;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The initial density rho0 of the 1D muscle model from a scenario's <c>density</c> choice: <c>normal</c> (mean,
/// deviation; truncated to [x_lo, x_hi] with <c>truncate: "on"</c>), <c>mixture</c> (a text such as
/// <c>"0.3 normal(-1, 0.2) + 0.7 uniform(0.5, 1.5)"</c>) and <c>file</c> (a .npy of particle positions, shape [M] or
/// [M, 1], or of a density on a grid, shape [K, 2] with rows (x_k, rho_k), linear between the nodes). The shipped
/// <c>sine-bump</c> and <c>uniform</c> choices keep their own samplers (so their results do not change).
/// </summary>
public static class MuscleInitialDensity
{
    /// <summary>Density choices that are built here (the others are the original samplers).</summary>
    public static bool IsGeneral(string choice) => choice is "normal" or "mixture" or "file";

    /// <summary>The mixture components the text may name, with their arguments.</summary>
    public const string MixtureGrammar =
        "a sum of terms \"w kind(args)\" joined by +, w > 0 a weight (normalised), kind one of normal(mean, deviation), " +
        "normal(mean, deviation, lo, hi) (truncated to [lo, hi]), uniform(lo, hi), sine-bump(lo, hi); " +
        "e.g. \"0.3 normal(-1, 0.2) + 0.7 uniform(0.5, 1.5)\"";

    /// <summary>
    /// The density of a general choice, or null after reporting the problem through <paramref name="error"/>
    /// (JSON path, message).
    /// </summary>
    public static IDensity1D? Build(Scenario s, Action<string, string> error)
    {
        switch (s.Choice("density"))
        {
            case "normal":
                return s.Choice("truncate") == "on"
                    ? Guard(() => new NormalDensity(s.P("mean"), s.P("deviation"), s.P("x_lo"), s.P("x_hi")), "$.parameters.x_lo", error)
                    : new NormalDensity(s.P("mean"), s.P("deviation"));
            case "mixture":
                if (s.Choice("components") is not { Length: > 0 } text)
                {
                    error("$.parameters.components", $"required for density \"mixture\": {MixtureGrammar}");
                    return null;
                }
                return ParseMixture(text, m => error("$.parameters.components", m));
            case "file":
                if (s.Choice("density_file") is not { Length: > 0 } file)
                {
                    error("$.parameters.density_file", "required for density \"file\": a .npy path (relative to the scenario file) of particle positions, shape [M] or [M, 1], or of a density on a grid, shape [K, 2] with rows (x_k, rho_k)");
                    return null;
                }
                return FromFile(ResolvePath(s, file), m => error("$.parameters.density_file", m));
            default:
                throw new ArgumentException($"density \"{s.Choice("density")}\" is not a general density");
        }
    }

    /// <summary>The path of a file named in a scenario: relative to the scenario file's directory.</summary>
    public static string ResolvePath(Scenario s, string file) =>
        Path.IsPathRooted(file) ? file : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(s.SourceFile)) ?? ".", file);

    /// <summary>The density of a .npy file (see the class summary), or null after reporting why not.</summary>
    public static IDensity1D? FromFile(string path, Action<string> error)
    {
        NpyArray a;
        try
        {
            a = NpyReader.Read(path);
        }
        catch (OutputFormatException e)
        {
            error($"{path}: {e.Message}");
            return null;
        }
        string shape = "(" + string.Join(", ", a.Shape) + ")";
        if (a.Rank == 1 || (a.Rank == 2 && a.Shape[1] == 1))
        {
            if (a.Data.Length == 0) { error($"{path}: no positions (shape {shape})"); return null; }
            return Guard(() => new EmpiricalDensity(a.Data), path, error);
        }
        if (a.Rank == 2 && a.Shape[1] == 2)
        {
            int k = a.Shape[0];
            var x = new double[k]; var rho = new double[k];
            for (int j = 0; j < k; j++) { x[j] = a[j, 0]; rho[j] = a[j, 1]; }
            return Guard(() => new PiecewiseLinearDensity(x, rho), path, error);
        }
        error($"{path}: shape {shape} is not allowed: expected [M] or [M, 1] (particle positions) or [K, 2] (rows x_k, rho_k of a density on a grid)");
        return null;
    }

    private static IDensity1D? Guard(Func<IDensity1D> make, string where, Action<string, string> error)
    {
        try { return make(); }
        catch (ArgumentException e) { error(where, e.Message); return null; }
    }

    private static IDensity1D? Guard(Func<IDensity1D> make, string path, Action<string> error)
    {
        try { return make(); }
        catch (ArgumentException e) { error($"{path}: {e.Message}"); return null; }
    }

    private static readonly Regex Term = new(@"^\s*(?<w>[^\s(]+)\s*\*?\s*(?<kind>[a-z-]+)\s*\((?<args>[^()]*)\)\s*$", RegexOptions.CultureInvariant);

    /// <summary>Parses a mixture text (<see cref="MixtureGrammar"/>), or null after reporting the first problem.</summary>
    public static MixtureDensity? ParseMixture(string text, Action<string> error)
    {
        var weights = new List<double>();
        var parts = new List<IDensity1D>();
        foreach (string term in SplitTopLevel(text))
        {
            var m = Term.Match(term);
            if (!m.Success) { error($"\"{term.Trim()}\" is not a mixture term: expected {MixtureGrammar}"); return null; }
            if (!double.TryParse(m.Groups["w"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double w) || !(w > 0) || !double.IsFinite(w))
            { error($"\"{term.Trim()}\": the weight \"{m.Groups["w"].Value}\" is not allowed: must be a finite number > 0"); return null; }
            var args = new List<double>();
            foreach (string a in m.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                { error($"\"{term.Trim()}\": the argument \"{a}\" is not a finite number"); return null; }
                args.Add(v);
            }
            string kind = m.Groups["kind"].Value;
            IDensity1D? d;
            try
            {
                d = (kind, args.Count) switch
                {
                    ("normal", 2) => new NormalDensity(args[0], args[1]),
                    ("normal", 4) => new NormalDensity(args[0], args[1], args[2], args[3]),
                    ("uniform", 2) => new UniformDensity(args[0], args[1]),
                    ("sine-bump", 2) => new SineBumpDensity(args[0], args[1]),
                    _ => null,
                };
            }
            catch (ArgumentException e)
            {
                error($"\"{term.Trim()}\": {e.Message}");
                return null;
            }
            if (d is null) { error($"\"{term.Trim()}\": {kind} with {args.Count} arguments is not allowed: expected {MixtureGrammar}"); return null; }
            weights.Add(w);
            parts.Add(d);
        }
        if (parts.Count == 0) { error($"no terms: expected {MixtureGrammar}"); return null; }
        return new MixtureDensity(weights, parts);
    }

    /// <summary>Splits at '+' outside parentheses and not part of a number's exponent or sign.</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '+' && depth == 0)
            {
                // "1e+3" inside a weight: the '+' follows an exponent marker
                if (i > 0 && (text[i - 1] is 'e' or 'E') && i > 1 && char.IsDigit(text[i - 2])) continue;
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}

/// <summary>Particle sampler drawing i.i.d. from a general density (two Philox uniforms per particle).</summary>
public sealed class DensitySampler(ulong seed, IDensity1D density) : IParticleSampler
{
    public int Nx => 1;

    public void Sample(long index, Span<double> x)
    {
        var (u0, u1) = ParticleSampling.Uniforms(seed, index);
        x[0] = density.Draw(u0, u1);
    }
}

/// <summary>Particle i starts at position i of a file (used when N equals the file's number of positions).</summary>
public sealed class FilePositionsSampler(double[] positions) : IParticleSampler
{
    public int Nx => 1;

    public void Sample(long index, Span<double> x) => x[0] = positions[index];
}

/// <summary>
/// Deterministic particles at the quantiles F^{-1}((i + 1/2) / N) of rho0: the N characteristics of the mean-field
/// PDE started at the midpoints of N equal-mass cells (the method of characteristics with the midpoint rule in the
/// mass coordinate).
/// </summary>
public sealed class QuantileSampler(IDensity1D density, int particles) : IParticleSampler
{
    public int Nx => 1;

    public void Sample(long index, Span<double> x) => x[0] = density.Quantile((index + 0.5) / particles);
}
