using ActorSim.Simulation.Output;

namespace ActorSim.Cli.Plotting;

/// <summary>A plot to be written: its file name and its figure.</summary>
public sealed record PlotFile(string FileName, Figure Figure);

/// <summary>
/// Plots a run directory: <c>timeseries.svg</c> from <c>timeseries.csv</c>, and
/// <c>&lt;name&gt;_final.svg</c> for the last snapshot of each field in <c>fields/</c>. Every input is read
/// and checked before anything is written.
/// </summary>
public static class RunPlotter
{
    public const string TimeseriesFile = "timeseries.csv";
    public const string RunFile = "run.json";

    /// <summary>Reads the run's outputs and builds the figures; throws <see cref="PlotInputException"/> on bad input.</summary>
    public static IReadOnlyList<PlotFile> Build(string runDirectory, PlotOptions options)
    {
        if (!Directory.Exists(runDirectory))
            throw new PlotInputException($"{runDirectory}: run directory not found");
        var run = RunInfo.Read(Path.Combine(runDirectory, RunFile));

        string csv = Path.Combine(runDirectory, TimeseriesFile);
        if (!File.Exists(csv)) throw new PlotInputException($"{csv}: file not found");
        Timeseries ts;
        try
        {
            ts = TimeseriesCsvReader.Read(csv);
        }
        catch (OutputFormatException e)
        {
            throw new PlotInputException(e.Message, e);
        }

        var plots = new List<PlotFile> { new("timeseries" + options.Extension, TimeseriesFigure.Build(ts, run, options)) };
        foreach (var snapshot in FieldSnapshots.Latest(Path.Combine(runDirectory, FieldSnapshots.DirectoryName)))
        {
            NpyArray field;
            try
            {
                field = NpyReader.Read(snapshot.Path);
            }
            catch (OutputFormatException e)
            {
                throw new PlotInputException(e.Message, e);
            }
            plots.Add(new PlotFile($"{snapshot.Name}_final{options.Extension}", FieldFigure.Build(snapshot, field, run)));
        }
        return plots;
    }

    /// <summary>Builds the figures and writes them into <paramref name="outDirectory"/> (created if missing); returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string runDirectory, string outDirectory, PlotOptions options)
    {
        var plots = Build(runDirectory, options);
        Directory.CreateDirectory(outDirectory);
        var written = new List<string>();
        foreach (var plot in plots)
        {
            string path = Path.Combine(outDirectory, plot.FileName);
            byte[] bytes = options.Format == PlotFormat.Png
                ? plot.Figure.ToPng()
                : new System.Text.UTF8Encoding(false).GetBytes(plot.Figure.ToSvg());
            string tmp = path + ".tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
            written.Add(path);
        }
        return written;
    }
}
