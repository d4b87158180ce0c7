using System.Globalization;
using ActorSim.Simulation.Output;

namespace ActorSim.Cli.Plotting;

/// <summary>A plot to be written: its file name (relative to the output directory) and how to draw it.</summary>
public sealed record PlotFile(string FileName, Func<PlotFigure> Figure);

/// <summary>
/// Plots a run directory: <c>timeseries.svg</c> from <c>timeseries.csv</c>, and for each field in <c>fields/</c> its
/// last snapshot (<c>&lt;name&gt;_final.svg</c>), the snapshot nearest to <see cref="PlotOptions.T"/>
/// (<c>&lt;name&gt;_&lt;index&gt;.svg</c>), or with <see cref="PlotOptions.Every"/> every that many-th snapshot
/// (<c>frames/&lt;name&gt;_&lt;index&gt;.svg</c>, on one value scale per field). Every input is read and checked
/// before anything is written.
/// </summary>
public static class RunPlotter
{
    public const string TimeseriesFile = "timeseries.csv";
    public const string RunFile = "run.json";
    public const string FramesDirectory = "frames";

    /// <summary>Reads the run's outputs and lists the figures; throws <see cref="PlotInputException"/> on bad input.</summary>
    public static IReadOnlyList<PlotFile> Build(string runDirectory, PlotOptions options)
    {
        if (!Directory.Exists(runDirectory))
            throw new PlotInputException($"{runDirectory}: run directory not found");
        var run = RunInfo.Read(Path.Combine(runDirectory, RunFile));
        if (options.Every < 0) throw new PlotInputException($"--every {options.Every}: must be a whole number >= 1");
        if (options.T is { } tAsked && !double.IsFinite(tAsked)) throw new PlotInputException("--t: must be a finite number");

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

        var plots = new List<PlotFile> { new("timeseries" + options.Extension, () => TimeseriesFigure.Build(ts, run, options)) };
        var byField = FieldSnapshots.List(Path.Combine(runDirectory, FieldSnapshots.DirectoryName)).GroupBy(s => s.Name);
        foreach (var snapshots in byField)
        {
            var all = snapshots.ToList();
            double TimeOf(FieldSnapshot s) => s.Index < ts.Rows ? ts.T[s.Index] : double.NaN;
            TimedSnapshot Timed(FieldSnapshot s) => new(s, TimeOf(s), s.Index == all[^1].Index);

            if (options.Every > 0)
            {
                var chosen = all.Where((_, k) => k % options.Every == 0).ToList();
                if (chosen[^1] != all[^1]) chosen.Add(all[^1]);
                var fields = chosen.Select(s => (Snapshot: s, Field: Read(s))).ToList();
                var finite = fields.SelectMany(f => f.Field.Data).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
                (double, double) range = (finite.Min(), finite.Max());
                foreach (var (s, field) in fields)
                    plots.Add(new PlotFile(Path.Combine(FramesDirectory, Stem(s) + options.Extension), () => FieldFigure.Build(Timed(s), field, run, range)));
            }
            else if (options.T is { } t)
            {
                var timed = all.Where(s => double.IsFinite(TimeOf(s))).ToList();
                if (timed.Count == 0)
                    throw new PlotInputException($"--t {AxisScaling.Format(t)}: the snapshots of {all[0].Name} have no output time in {csv}");
                double first = TimeOf(timed[0]), last = TimeOf(timed[^1]);
                double slack = timed.Count > 1 ? (last - first) / (timed.Count - 1) / 2 : 0;
                if (t < first - slack || t > last + slack)
                    throw new PlotInputException($"--t {AxisScaling.Format(t)}: outside the times of the snapshots of {all[0].Name}, {AxisScaling.Format(first)} to {AxisScaling.Format(last)}");
                var nearest = timed.MinBy(s => Math.Abs(TimeOf(s) - t))!;
                var field = Read(nearest);
                plots.Add(new PlotFile(Stem(nearest) + options.Extension, () => FieldFigure.Build(Timed(nearest), field, run)));
            }
            else
            {
                var latest = all[^1];
                var field = Read(latest);
                plots.Add(new PlotFile($"{latest.Name}_final{options.Extension}", () => FieldFigure.Build(Timed(latest), field, run)));
            }
        }
        return plots;
    }

    private static string Stem(FieldSnapshot s) => $"{s.Name}_{s.Index.ToString("D4", CultureInfo.InvariantCulture)}";

    private static NpyArray Read(FieldSnapshot snapshot)
    {
        try
        {
            return NpyReader.Read(snapshot.Path);
        }
        catch (OutputFormatException e)
        {
            throw new PlotInputException(e.Message, e);
        }
    }

    /// <summary>Builds the figures and writes them into <paramref name="outDirectory"/> (created if missing); returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string runDirectory, string outDirectory, PlotOptions options)
    {
        var plots = Build(runDirectory, options);
        var figures = plots.Select(p => (p.FileName, Figure: p.Figure())).ToList(); // draws (and so checks) all before writing
        var written = new List<string>();
        foreach (var (fileName, figure) in figures)
        {
            string path = Path.Combine(outDirectory, fileName);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            byte[] bytes = options.Format == PlotFormat.Png ? figure.ToPng() : new System.Text.UTF8Encoding(false).GetBytes(figure.ToSvg());
            string tmp = path + ".tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
            written.Add(path);
        }
        return written;
    }
}
