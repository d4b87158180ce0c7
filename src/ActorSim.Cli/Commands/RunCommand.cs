using System.CommandLine;
using System.Globalization;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Cli.Commands;

/// <summary><c>actorsim run &lt;scenario&gt; --out &lt;dir&gt;</c>: runs a scenario on the in-process runtime.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "Path of the scenario JSON file." };
        var outOption = new Option<string>("--out", "-o") { Description = "Output directory (created if missing): timeseries.csv and run.json are written there.", Required = true };
        var forceOption = new Option<bool>("--force") { Description = "Reuse a non-empty output directory, replacing an earlier run's outputs." };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary; errors only." };
        var noPlotsOption = new Option<bool>("--no-plots") { Description = "Do not draw plots/ (SVG of the time series and of the final fields) after a run that writes fields." };
        var command = new Command("run", "Run a scenario on the embedded in-process actor runtime (no broker needed).") { scenarioArg, outOption, forceOption, quietOption, noPlotsOption };
        command.SetAction(async (parse, cancellation) =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            string outDir = parse.GetRequiredValue(outOption);
            bool quiet = parse.GetValue(quietOption);
            if (!ScenarioErrors.TryLoad(path, out var scenario)) return ExitCodes.BadInput;

            using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; }).SetMinimumLevel(LogLevel.Warning)
                .AddFilter((category, level) => level >= LogLevel.Warning));
            var options = new RunOptions(outDir, parse.GetValue(forceOption), logs);
            try
            {
                RunResult result = await ProgressDisplay.RunWithProgressAsync(
                    quiet, scenario.Time.End, progress => LocalRunner.RunAsync(scenario, options, progress, cancellation));
                if (!quiet) PrintSummary(result);
                if (!parse.GetValue(noPlotsOption) && Directory.Exists(Path.Combine(outDir, "fields")))
                {
                    var plots = Plotting.RunPlotter.Write(outDir, Path.Combine(outDir, "plots"), new Plotting.PlotOptions(Plotting.PlotFormat.Svg, Plotting.TimeseriesLayout.Auto, false));
                    if (!quiet) Console.Out.WriteLine($"Plots: {string.Join(", ", plots)}");
                }
                return result.Status == RunStatus.Cancelled ? ExitCodes.Cancelled : ExitCodes.Ok;
            }
            catch (OutputDirectoryException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            catch (RunFailedException e)
            {
                Console.Error.WriteLine($"{path}: {e.Message}");
                Console.Error.WriteLine($"Outputs written so far, and the error, are in {outDir}/run.json.");
                return ExitCodes.RunFailed;
            }
        });
        return command;
    }

    private static void PrintSummary(RunResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        string state = string.Join(", ", r.FinalState.Select(kv => $"{kv.Key} = {kv.Value.ToString("G6", inv)}"));
        Console.Out.WriteLine(r.Status == RunStatus.Completed
            ? $"Run completed: t = {r.FinalTime.ToString("G6", inv)}, {state}"
            : $"Run cancelled at t = {r.FinalTime.ToString("G6", inv)} ({r.Reason}); outputs so far kept.");
        Console.Out.WriteLine($"{r.Counters.Accepted} steps ({r.Counters.Rejected} rejected), {r.Rows} output rows, wall time {r.WallTime.TotalSeconds.ToString("F2", inv)} s");
        foreach (var (key, value) in r.Analysis)
            if (value is not null && key != "expected_limit") Console.Out.WriteLine($"{key}: {value.ToJsonString()}");
        Console.Out.WriteLine($"Outputs: {Path.Combine(r.OutputDirectory, "timeseries.csv")}, {Path.Combine(r.OutputDirectory, "run.json")} (results SHA-256 {r.ResultsSha256[..16]}…)");
    }
}
