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
/// slopes, as a table, a CSV and an SVG plot. The runs (every N with every seed) are the members of a sweep
/// (<see cref="SweepPreset"/>: OUT/sweep, --jobs, --cluster, resumed when run again).
/// </summary>
public static class ConvergeCommand
{
    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "A muscle-1d scenario (e.g. scenarios/muscle-meanfield-1d.json): its parameters, end time and dt define both the particle model and the mean-field PDE." };
        var nOption = new Option<string>("--n") { Description = "Comma-separated particle counts.", DefaultValueFactory = _ => "100,1000,10000" };
        var seedsOption = new Option<int>("--seeds") { Description = "Independent samples (seeds) per particle count.", DefaultValueFactory = _ => 8 };
        var outOption = new Option<string?>("--out", "-o") { Description = "Directory for converge.csv, converge-fit.csv and converge.svg (created if missing; these files are replaced) and the runs, a sweep in OUT/sweep (running the same study again keeps its completed runs)." };
        var command = new Command("converge", "Particle model versus mean-field PDE: W1 and |y_N - y| for several N with fitted N^-1/2 slopes.") { scenarioArg, nOption, seedsOption, outOption };
        var preset = SweepPreset.Options(command, "Particle runs");
        command.SetAction(async (parse, cancellation) =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            if (!TryParseCounts(parse.GetValue(nOption)!, out var counts, out string? why)) { Console.Error.WriteLine($"--n: {why}"); return ExitCodes.BadInput; }
            int seeds = parse.GetValue(seedsOption);
            if (seeds < 1 || seeds > 10_000) { Console.Error.WriteLine($"--seeds: {seeds} is not allowed: must be a whole number from 1 to 10000"); return ExitCodes.BadInput; }
            if (CliScenario.Load(path) is not { } scenario) return ExitCodes.BadInput;
            IReadOnlyList<string> axes;
            try
            {
                axes = MuscleConvergenceStudy.MemberAxes(scenario, counts, seeds);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            // Every (N, seed) is a member of a sweep (OUT/sweep with --out); its run.json holds W1(0), W1(T), |y_N - y|.
            string? dir = parse.GetValue(outOption);
            var outcome = await preset.RunAsync(parse, path, axes, dir, "sweep", cancellation);
            if (outcome.Exit != ExitCodes.Ok) return outcome.Exit;
            var members = outcome.Rows.Select((row, i) => new MuscleConvergenceStudy.Member(counts[i / seeds],
                SweepPreset.Value(row, "analysis.w1_initial"), SweepPreset.Value(row, "analysis.w1_final"),
                SweepPreset.Value(row, "analysis.y_error_final"), SweepPreset.Value(row, "analysis.y_meanfield_final"), row.WallSeconds ?? 0)).ToList();
            var result = MuscleConvergenceStudy.FromMembers(scenario, counts, seeds, members);
            Print(result);
            if (dir is not null) Write(result, dir);
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
        var series = new List<Plotting.XYSeries>
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
        File.WriteAllText(Path.Combine(dir, "converge.svg"), Plotting.XYChart.Svg("Particle model vs mean-field limit", "N (particles)", "mean over seeds", series, logX: true, logY: true));
        Console.Out.WriteLine($"Wrote {Path.Combine(dir, "converge.csv")}, {Path.Combine(dir, "converge-fit.csv")}, {Path.Combine(dir, "converge.svg")}");
    }
}

/// <summary>Scenario loading and console setup shared by the study commands.</summary>
internal static class CliScenario
{
    /// <summary>Loads and validates a scenario, printing every problem; null when invalid.</summary>
    public static Scenario? Load(string path) => ScenarioErrors.TryLoad(path, out var s) ? s : null;

    /// <summary>
    /// A Spectre console on stdout: no escape codes at all when the output is redirected (a pipe, a file) and no colours
    /// when NO_COLOR is set (https://no-color.org); wide enough for the tables when the output is redirected.
    /// </summary>
    public static IAnsiConsole Console()
    {
        bool redirected = System.Console.IsOutputRedirected;
        bool noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected) console.Profile.Width = 160;
        return console;
    }
}
