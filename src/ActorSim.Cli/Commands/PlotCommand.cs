using System.CommandLine;
using ActorSim.Cli.Plotting;

namespace ActorSim.Cli.Commands;

/// <summary><c>actorsim plot &lt;run-dir&gt; [--format svg|png] [--out &lt;dir&gt;] [--t T | --every N]</c>: draws a run's outputs.</summary>
public static class PlotCommand
{
    public static Command Build()
    {
        var runArg = new Argument<string>("run-dir") { Description = "A run's output directory (holding run.json and timeseries.csv, and fields/ for spatial models), or a sweep directory (sweep.csv)." };
        var formatOption = new Option<PlotFormat>("--format", "-f") { Description = "File format of the plots: svg or png.", HelpName = "svg|png", DefaultValueFactory = _ => PlotFormat.Svg };
        var outOption = new Option<string?>("--out", "-o") { HelpName = "dir", Description = "Directory for the plots (created if missing). Default: <run-dir>/plots." };
        var layoutOption = new Option<TimeseriesLayout>("--layout") { Description = "Time series layout: auto (one chart per quantity family: like quantities share an axis), overlay (all on one chart) or panels (one chart per variable).", HelpName = "auto|overlay|panels", DefaultValueFactory = _ => TimeseriesLayout.Auto };
        var logOption = new Option<bool>("--log-y") { Description = "Logarithmic y axis for every time-series chart (values <= 0 are left out); without it, a chart is logarithmic when its values span two decades." };
        var tOption = new Option<double?>("--t") { HelpName = "time", Description = "Plot the field snapshot nearest to this time (<name>_<index> files) instead of the last one." };
        var everyOption = new Option<int>("--every") { HelpName = "n", Description = "Plot every n-th snapshot of each field (and the last) as a frame series in frames/, on one value scale per field." };
        var xOption = new Option<string?>("--x") { HelpName = "key", Description = "Sweep directories: the swept value on the x axis (default: the first swept key other than run.seed)." };
        var yOption = new Option<string[]>("--y") { HelpName = "column", Description = "Sweep directories: a sweep.csv column to plot (repeatable; default: every last.* column but last.t).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var command = new Command("plot", "Plot a run: timeseries.svg (one chart per quantity family against t), and a heatmap (2D) or profile (1D) in physical coordinates of the last snapshot of each field.")
        {
            runArg, formatOption, outOption, layoutOption, logOption, tOption, everyOption, xOption, yOption,
        };
        command.SetAction(parse =>
        {
            string runDir = parse.GetRequiredValue(runArg);
            string outDir = parse.GetValue(outOption) ?? Path.Combine(runDir, "plots");
            double? t = parse.GetValue(tOption);
            int every = parse.GetValue(everyOption);
            if (t is not null && every != 0)
            {
                Console.Error.WriteLine("--t and --every: give one of them (a snapshot, or a series of frames)");
                return ExitCodes.BadInput;
            }
            if (every < 0)
            {
                Console.Error.WriteLine($"--every {every}: must be a whole number >= 1");
                return ExitCodes.BadInput;
            }
            if (SweepPlotter.IsSweep(runDir) && !File.Exists(Path.Combine(runDir, RunPlotter.RunFile)))
            {
                try
                {
                    foreach (string file in SweepPlotter.Write(runDir, outDir, parse.GetValue(formatOption), parse.GetValue(xOption), parse.GetValue(yOption) ?? []))
                        Console.Out.WriteLine(file);
                    return ExitCodes.Ok;
                }
                catch (PlotInputException e)
                {
                    Console.Error.WriteLine(e.Message);
                    return ExitCodes.BadInput;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"{outDir}: cannot write the plots: {e.Message}");
                    return ExitCodes.BadInput;
                }
            }
            var options = new PlotOptions(parse.GetValue(formatOption), parse.GetValue(layoutOption), parse.GetValue(logOption), t, every);
            try
            {
                foreach (string file in RunPlotter.Write(runDir, outDir, options)) Console.Out.WriteLine(file);
                return ExitCodes.Ok;
            }
            catch (PlotInputException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"{outDir}: cannot write the plots: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }
}
