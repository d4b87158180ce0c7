using System.CommandLine;
using System.Globalization;
using System.Text;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using Spectre.Console;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim converge &lt;scenario&gt; --n 100,1000,… [--seeds K] [--out dir]</c>: the particle model against its
/// mean-field limit for several N (several seeds each): W1 at t = 0 and at T and |y_N − y| with fitted log-log
/// slopes, as a table, a CSV and an SVG plot.
/// </summary>
public static class ConvergeCommand
{
    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "A muscle-1d scenario (e.g. scenarios/muscle-meanfield-1d.json): its parameters, end time and dt define both the particle model and the mean-field PDE." };
        var nOption = new Option<string>("--n") { Description = "Comma-separated particle counts.", DefaultValueFactory = _ => "100,1000,10000" };
        var seedsOption = new Option<int>("--seeds") { Description = "Independent samples (seeds) per particle count.", DefaultValueFactory = _ => 8 };
        var outOption = new Option<string?>("--out", "-o") { Description = "Directory for converge.csv, converge-fit.csv and converge.svg (created if missing; these files are replaced)." };
        var command = new Command("converge", "Particle model versus mean-field PDE: W1 and |y_N - y| for several N with fitted N^-1/2 slopes.") { scenarioArg, nOption, seedsOption, outOption };
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            if (!TryParseCounts(parse.GetValue(nOption)!, out var counts, out string? why)) { Console.Error.WriteLine($"--n: {why}"); return ExitCodes.BadInput; }
            int seeds = parse.GetValue(seedsOption);
            if (seeds < 1 || seeds > 10_000) { Console.Error.WriteLine($"--seeds: {seeds} is not allowed: must be a whole number from 1 to 10000"); return ExitCodes.BadInput; }
            if (CliScenario.Load(path) is not { } scenario) return ExitCodes.BadInput;
            ConvergenceResult result;
            try
            {
                result = MuscleConvergenceStudy.Run(scenario, counts, seeds, msg => Console.Error.WriteLine(msg));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            Print(result);
            if (parse.GetValue(outOption) is { } dir) Write(result, dir);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static bool TryParseCounts(string text, out List<int> counts, out string? why)
    {
        counts = [];
        why = null;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 100_000_000)
            {
                why = $"\"{part}\" is not allowed: particle counts are whole numbers from 1 to 10^8, separated by commas (e.g. 100,1000,10000)";
                return false;
            }
            counts.Add(n);
        }
        return true;
    }

    private static string F(double v) => v.ToString("E3", CultureInfo.InvariantCulture);

    private static void Print(ConvergenceResult r)
    {
        var console = CliScenario.Console();
        var table = new Table().Title(Markup.Escape($"Particles vs mean field ({r.Constraint} constraint, T = {r.T}, {r.Cells} cells, y(T) = {r.YMeanField:G6})"))
            .AddColumn(Markup.Escape("N")).AddColumn(Markup.Escape("seeds")).AddColumn(Markup.Escape("W1(0) mean ± sd")).AddColumn(Markup.Escape("W1(T) mean ± sd")).AddColumn(Markup.Escape("|y_N - y| mean ± sd")).AddColumn(Markup.Escape("time [s]"));
        foreach (var p in r.Points)
            table.AddRow(new[] { p.N.ToString(CultureInfo.InvariantCulture), p.Seeds.ToString(CultureInfo.InvariantCulture),
                $"{F(p.W1Initial)} ± {F(p.W1InitialSd)}", $"{F(p.W1Final)} ± {F(p.W1FinalSd)}", $"{F(p.YError)} ± {F(p.YErrorSd)}",
                p.Seconds.ToString("F2", CultureInfo.InvariantCulture) }.Select(Markup.Escape).ToArray());
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fitted slopes (log-log in N, expected -0.5 for i.i.d. samples): W1(0) {r.SlopeW1Initial:F3}, W1(T) {r.SlopeW1Final:F3}, |y_N - y| {r.SlopeY:F3}"));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sqrt(N) E W1(0): {string.Join(", ", r.Points.Select(p => $"{p.SqrtNW1Initial:F4} (N = {p.N})"))}; limit sqrt(2/pi) int sqrt(F(1-F)) dx = {r.W1Constant:F6}"));
    }

    private static void Write(ConvergenceResult r, string dir)
    {
        Directory.CreateDirectory(dir);
        var inv = CultureInfo.InvariantCulture;
        var csv = new StringBuilder("N,seeds,w1_initial,w1_initial_sd,w1_final,w1_final_sd,y_error,y_error_sd,seconds,sqrt_n_w1_initial,w1_constant\n");
        foreach (var p in r.Points)
            csv.Append(string.Join(",", new object[] { p.N, p.Seeds, p.W1Initial, p.W1InitialSd, p.W1Final, p.W1FinalSd, p.YError, p.YErrorSd, p.Seconds, p.SqrtNW1Initial, r.W1Constant }
                .Select(o => o is double d ? d.ToString("R", inv) : Convert.ToString(o, inv)))).Append('\n');
        File.WriteAllText(Path.Combine(dir, "converge.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(dir, "converge-fit.csv"), string.Create(inv,
            $"quantity,slope,expected\nw1_initial,{r.SlopeW1Initial:R},-0.5\nw1_final,{r.SlopeW1Final:R},-0.5\ny_error,{r.SlopeY:R},-0.5\n"));
        double[] n = r.Points.Select(p => (double)p.N).ToArray();
        var series = new List<MiniSvg.Series>
        {
            new($"W1(0), slope {r.SlopeW1Initial:F2}", n, r.Points.Select(p => p.W1Initial).ToArray(), "#1f77b4"),
            new($"W1(T), slope {r.SlopeW1Final:F2}", n, r.Points.Select(p => p.W1Final).ToArray(), "#d62728"),
            new($"|y_N - y|, slope {r.SlopeY:F2}", n, r.Points.Select(p => p.YError).ToArray(), "#2ca02c"),
        };
        if (r.Points.Count > 0 && r.Points[0].W1Final > 0)
        {
            double c = r.Points[0].W1Final * Math.Sqrt(n[0]);
            series.Add(new("N^-1/2", [n[0], n[^1]], [c / Math.Sqrt(n[0]), c / Math.Sqrt(n[^1])], "#777777", Dashed: true, Markers: false));
        }
        File.WriteAllText(Path.Combine(dir, "converge.svg"), MiniSvg.Plot("Particle model vs mean-field limit", "N (particles)", "mean over seeds", series, logX: true, logY: true));
        Console.Out.WriteLine($"Wrote {Path.Combine(dir, "converge.csv")}, {Path.Combine(dir, "converge-fit.csv")}, {Path.Combine(dir, "converge.svg")}");
    }
}

/// <summary>Scenario loading and console setup shared by the study commands.</summary>
internal static class CliScenario
{
    /// <summary>Loads and validates a scenario, printing every problem; null when invalid.</summary>
    public static Scenario? Load(string path) => ScenarioErrors.TryLoad(path, out var s) ? s : null;

    /// <summary>A Spectre console on stdout; wide enough for the tables when the output is redirected.</summary>
    public static IAnsiConsole Console()
    {
        bool redirected = System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected) console.Profile.Width = 160;
        return console;
    }
}

/// <summary>A tiny SVG line/marker plot writer (linear or log axes), enough for the study commands' figures.</summary>
internal static class MiniSvg
{
    public sealed record Series(string Name, double[] X, double[] Y, string Color, bool Dashed = false, bool Markers = true, bool Line = true);

    private const double W = 720, H = 480, L = 80, R = 220, T = 40, B = 60;

    public static string Plot(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logX = false, bool logY = false)
    {
        var inv = CultureInfo.InvariantCulture;
        bool Ok(double v, bool log) => double.IsFinite(v) && (!log || v > 0);
        var xs = series.SelectMany(s => s.X).Where(v => Ok(v, logX)).ToList();
        var ys = series.SelectMany(s => s.Y).Where(v => Ok(v, logY)).ToList();
        if (xs.Count == 0) xs = [logX ? 1 : 0, logX ? 10 : 1];
        if (ys.Count == 0) ys = [logY ? 1 : 0, logY ? 10 : 1];
        var (x0, x1) = Range(xs, logX);
        var (y0, y1) = Range(ys, logY);
        double Px(double v) => L + (W - L - R) * ((logX ? Math.Log10(v) : v) - x0) / (x1 - x0);
        double Py(double v) => H - B - (H - T - B) * ((logY ? Math.Log10(v) : v) - y0) / (y1 - y0);
        string N(double v) => v.ToString("0.##", inv);
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(inv, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n<text x=\"{N(W / 2)}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Esc(title)}</text>\n");
        sb.Append(inv, $"<rect x=\"{L}\" y=\"{T}\" width=\"{W - L - R}\" height=\"{H - T - B}\" fill=\"none\" stroke=\"black\"/>\n");
        foreach (var (v, label) in Ticks(x0, x1, logX))
        {
            double px = L + (W - L - R) * (v - x0) / (x1 - x0);
            sb.Append(inv, $"<line x1=\"{N(px)}\" y1=\"{T}\" x2=\"{N(px)}\" y2=\"{H - B}\" stroke=\"#e0e0e0\"/><text x=\"{N(px)}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{label}</text>\n");
        }
        foreach (var (v, label) in Ticks(y0, y1, logY))
        {
            double py = H - B - (H - T - B) * (v - y0) / (y1 - y0);
            sb.Append(inv, $"<line x1=\"{L}\" y1=\"{N(py)}\" x2=\"{W - R}\" y2=\"{N(py)}\" stroke=\"#e0e0e0\"/><text x=\"{L - 6}\" y=\"{N(py + 4)}\" text-anchor=\"end\">{label}</text>\n");
        }
        sb.Append(inv, $"<text x=\"{N((L + W - R) / 2)}\" y=\"{H - 18}\" text-anchor=\"middle\">{Esc(xLabel)}</text>\n");
        sb.Append(inv, $"<text transform=\"translate(18 {N((T + H - B) / 2)}) rotate(-90)\" text-anchor=\"middle\">{Esc(yLabel)}</text>\n");
        for (int k = 0; k < series.Count; k++)
        {
            var s = series[k];
            var pts = s.X.Zip(s.Y).Where(p => Ok(p.First, logX) && Ok(p.Second, logY)).Select(p => (Px(p.First), Py(p.Second))).ToList();
            if (s.Line && pts.Count > 1)
                sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.8\"{(s.Dashed ? " stroke-dasharray=\"6 4\"" : "")} points=\"{string.Join(" ", pts.Select(p => $"{N(p.Item1)},{N(p.Item2)}"))}\"/>\n");
            if (s.Markers)
                foreach (var (px, py) in pts) sb.Append(inv, $"<circle cx=\"{N(px)}\" cy=\"{N(py)}\" r=\"3.5\" fill=\"{s.Color}\"/>\n");
            double ly = T + 14 + 20 * k;
            sb.Append(inv, $"<line x1=\"{W - R + 12}\" y1=\"{N(ly - 4)}\" x2=\"{W - R + 36}\" y2=\"{N(ly - 4)}\" stroke=\"{s.Color}\" stroke-width=\"2\"{(s.Dashed ? " stroke-dasharray=\"6 4\"" : "")}/>");
            sb.Append(inv, $"<text x=\"{W - R + 42}\" y=\"{N(ly)}\">{Esc(s.Name)}</text>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static (double, double) Range(List<double> v, bool log)
    {
        if (log)
        {
            double lo = Math.Floor(Math.Log10(v.Min())), hi = Math.Ceiling(Math.Log10(v.Max()));
            return hi > lo ? (lo, hi) : (lo - 1, hi + 1);
        }
        double a = v.Min(), b = v.Max();
        if (b == a) { a -= 1; b += 1; }
        double pad = 0.05 * (b - a);
        return (a - pad, b + pad);
    }

    private static IEnumerable<(double Value, string Label)> Ticks(double lo, double hi, bool log)
    {
        if (log)
        {
            for (double e = Math.Ceiling(lo); e <= hi + 1e-9; e++) yield return (e, $"1e{e:0}");
            yield break;
        }
        double span = hi - lo, step = Math.Pow(10, Math.Floor(Math.Log10(span / 5)));
        if (span / step > 10) step *= 2;
        if (span / step > 10) step *= 2.5;
        for (double v = Math.Ceiling(lo / step) * step; v <= hi + 1e-12; v += step)
        {
            double label = Math.Round(v, 10);
            yield return (v, (label == 0 ? 0.0 : label).ToString("G4", CultureInfo.InvariantCulture));
        }
    }

    private static string Esc(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
