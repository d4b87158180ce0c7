using System.CommandLine;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim resume &lt;run-dir&gt;</c>: continues a stopped (Ctrl-C) or crashed in-process run from its newest
/// valid checkpoint (a corrupted or truncated one is reported, naming the file, and the previous one used),
/// to the same result as an uninterrupted run (same <c>results_sha256</c>).
/// </summary>
public static class ResumeCommand
{
    public static Command Build()
    {
        var dirArg = new Argument<string>("run-dir") { Description = "Output directory of the stopped run (holds run.json and checkpoints/)." };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary; errors only." };
        var noPlotsOption = new Option<bool>("--no-plots") { Description = "Do not draw plots/ after the run." };
        var command = new Command("resume", "Continue a stopped or crashed run (written with run.checkpoint in its scenario) from its newest valid checkpoint.")
        {
            dirArg, quietOption, noPlotsOption,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string dir = parse.GetRequiredValue(dirArg);
            bool quiet = parse.GetValue(quietOption);
            using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddFilter((category, level) => level >= LogLevel.Warning));
            try
            {
                RunResult result = await ProgressDisplay.RunWithProgressAsync(quiet, RecordedEnd(dir),
                    progress => LocalRunner.ResumeAsync(dir, new RunOptions(dir, false, logs), progress, cancellation,
                        w => Console.Error.WriteLine($"warning: {w}")));
                if (!quiet) RunCommand.PrintSummary(result);
                if (!parse.GetValue(noPlotsOption) && Directory.Exists(Path.Combine(dir, "fields")))
                    Plotting.RunPlotter.Write(dir, Path.Combine(dir, "plots"), new Plotting.PlotOptions(Plotting.PlotFormat.Svg, Plotting.TimeseriesLayout.Auto, false));
                return result.Status == RunStatus.Cancelled ? ExitCodes.Cancelled : ExitCodes.Ok;
            }
            catch (CheckpointException e)
            {
                Console.Error.WriteLine($"{dir}: cannot resume: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine($"{dir}/run.json: the recorded scenario is not valid: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (RunFailedException e)
            {
                Console.Error.WriteLine($"{dir}: {e.Message}");
                return ExitCodes.RunFailed;
            }
        });
        return command;
    }

    /// <summary>The recorded scenario's end time (for the progress bar), or 1 when it cannot be read (ResumeAsync then reports why).</summary>
    private static double RecordedEnd(string dir)
    {
        try
        {
            return (double?)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))?["scenario"]?["time"]?["end"] ?? 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return 1;
        }
    }
}
