using System.CommandLine;
using ActorSim.Cli.Plotting;

namespace ActorSim.Cli.Commands;

/// <summary><c>actorsim plot &lt;run-dir&gt; [--format svg|png] [--out &lt;dir&gt;]</c>: draws a run's outputs.</summary>
public static class PlotCommand
{
    public static Command Build()
    {
        var runArg = new Argument<string>("run-dir") { Description = "A run's output directory (holding run.json and timeseries.csv, and fields/ for spatial models)." };
        var formatOption = new Option<PlotFormat>("--format", "-f") { Description = "File format of the plots: svg or png.", DefaultValueFactory = _ => PlotFormat.Svg };
        var outOption = new Option<string?>("--out", "-o") { HelpName = "dir", Description = "Directory for the plots (created if missing). Default: <run-dir>/plots." };
        var layoutOption = new Option<TimeseriesLayout>("--layout") { Description = "Time series layout: auto (one chart, or one panel per variable when their magnitudes differ by more than 10x), overlay or panels.", DefaultValueFactory = _ => TimeseriesLayout.Auto };
        var logOption = new Option<bool>("--log-y") { Description = "Logarithmic y axis for the time series (values <= 0 are left out)." };
        var command = new Command("plot", "Plot a run: timeseries.svg with every variable against t, and a heatmap (2D) or profile (1D) of the last snapshot of each field.")
        {
            runArg, formatOption, outOption, layoutOption, logOption,
        };
        command.SetAction(parse =>
        {
            string runDir = parse.GetRequiredValue(runArg);
            string outDir = parse.GetValue(outOption) ?? Path.Combine(runDir, "plots");
            var options = new PlotOptions(parse.GetValue(formatOption), parse.GetValue(layoutOption), parse.GetValue(logOption));
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
