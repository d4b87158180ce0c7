using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ScottPlot;

namespace ActorSim.Cli.Plotting;

/// <summary>One line of a sweep chart: at each x, the mean of the members' values and one standard error of it (0 for one member).</summary>
public sealed record SweepSeries(string Name, double[] X, double[] Mean, double[] StandardError);

/// <summary>
/// <c>actorsim plot DIR</c> on a sweep directory: a summary value of <c>sweep.csv</c> against a swept value, one series
/// per combination of the other swept values (seeds excepted), each point the mean over the members that differ only
/// in <c>run.seed</c>, with error bars of one standard error of that mean (σ/√n) when there are several seeds.
/// </summary>
public static class SweepPlotter
{
    public const string SeedKey = "run.seed";

    /// <summary>The table of <c>sweep.csv</c>: header and rows of cells.</summary>
    internal sealed record Table(string[] Header, List<string[]> Rows)
    {
        public int Column(string name) => Array.IndexOf(Header, name);
    }

    /// <summary>True when <paramref name="directory"/> is a sweep directory (holds sweep.json and sweep.csv).</summary>
    public static bool IsSweep(string directory) =>
        File.Exists(Path.Combine(directory, "sweep.json")) && File.Exists(Path.Combine(directory, "sweep.csv"));

    /// <summary>
    /// Draws <paramref name="y"/> (default: every <c>last.*</c> column but <c>last.t</c>) against <paramref name="x"/>
    /// (default: the first swept key other than run.seed) into <paramref name="outDirectory"/>; the paths written.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, string outDirectory, PlotFormat format, string? x, IReadOnlyList<string> y)
    {
        var (table, xKey, ys, others, done) = Select(directory, x, y);
        var written = new List<string>();
        Directory.CreateDirectory(outDirectory);
        foreach (string yc in ys)
        {
            var series = Aggregate(table, done, xKey, yc, others);
            if (series.Count == 0) continue;
            var figure = Figure(Path.GetFileName(Path.GetFullPath(directory)), xKey, yc, series, done.Count);
            string path = Path.Combine(outDirectory, $"sweep-{Safe(yc)}{(format == PlotFormat.Png ? ".png" : ".svg")}");
            byte[] bytes = format == PlotFormat.Png ? figure.ToPng() : new UTF8Encoding(false).GetBytes(figure.ToSvg());
            File.WriteAllBytes(path + ".tmp", bytes);
            File.Move(path + ".tmp", path, overwrite: true);
            written.Add(path);
        }
        if (written.Count == 0) throw new PlotInputException($"{directory}/sweep.csv: the columns {xKey} and {string.Join(", ", ys)} hold no numbers to plot");
        return written;
    }

    /// <summary>The series of one chart: <paramref name="y"/> against <paramref name="x"/> (null: the default), means and standard errors over seeds.</summary>
    public static IReadOnlyList<SweepSeries> Series(string directory, string? x, string y)
    {
        var (table, xKey, _, others, done) = Select(directory, x, [y]);
        return Aggregate(table, done, xKey, y, others);
    }

    private static (Table Table, string X, IReadOnlyList<string> Ys, List<string> Others, List<string[]> Done) Select(string directory, string? x, IReadOnlyList<string> y)
    {
        var table = Read(Path.Combine(directory, "sweep.csv"));
        var axes = AxisKeys(directory);
        var swept = axes.Where(k => table.Column(k) >= 0 && table.Rows.Select(r => r[table.Column(k)]).Distinct().Count() > 1).ToList();
        x ??= swept.FirstOrDefault(k => k != SeedKey)
            ?? throw new PlotInputException($"{directory}: no swept value to plot against (the only axis is {SeedKey}, or there is none); give --x KEY");
        if (table.Column(x) < 0) throw new PlotInputException($"{directory}/sweep.csv: --x {x}: no such column; columns: {string.Join(", ", table.Header)}");
        var ys = y.Count > 0 ? y : table.Header.Where(h => h.StartsWith("last.", StringComparison.Ordinal) && h != "last.t").ToList();
        if (ys.Count == 0) throw new PlotInputException($"{directory}/sweep.csv: no summary values to plot (no completed member); give --y COLUMN");
        foreach (string c in ys)
            if (table.Column(c) < 0) throw new PlotInputException($"{directory}/sweep.csv: --y {c}: no such column; columns: {string.Join(", ", table.Header)}");
        var others = swept.Where(k => k != x && k != SeedKey).ToList();
        int status = table.Column("status");
        var done = table.Rows.Where(r => status < 0 || r[status] == "completed").ToList();
        if (done.Count == 0) throw new PlotInputException($"{directory}: no member has completed yet; nothing to plot");
        return (table, x, ys, others, done);
    }

    private static List<SweepSeries> Aggregate(Table table, List<string[]> done, string x, string y, List<string> others)
    {
        var series = new List<SweepSeries>();
        foreach (var group in done.GroupBy(r => string.Join(", ", others.Select(k => $"{k}={r[table.Column(k)]}"))))
        {
            var points = group
                .Select(r => (X: Number(r[table.Column(x)]), Y: Number(r[table.Column(y)])))
                .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
                .GroupBy(p => p.X).OrderBy(g => g.Key)
                .Select(g => (X: g.Key, Mean: g.Average(p => p.Y), Err: StandardError(g.Select(p => p.Y).ToArray())))
                .ToArray();
            if (points.Length == 0) continue;
            series.Add(new SweepSeries(group.Key.Length == 0 ? y : group.Key, points.Select(p => p.X).ToArray(), points.Select(p => p.Mean).ToArray(), points.Select(p => p.Err).ToArray()));
        }
        return series;
    }

    private static PlotFigure Figure(string name, string x, string y, IReadOnlyList<SweepSeries> series, int members)
    {
        bool logX = series.All(s => s.X.All(v => v > 0)) && series.Max(s => s.X.Max()) / series.Min(s => s.X.Min()) >= 100;
        var plot = PlotStyle.NewPlot();
        plot.XLabel(logX ? $"{x} (log)" : x, size: 13);
        plot.YLabel(y, size: 13);
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            double[] xs = logX ? s.X.Select(Math.Log10).ToArray() : s.X;
            var color = PlotStyle.SeriesColor(i);
            var line = plot.Add.Scatter(xs, s.Mean, color);
            line.LegendText = s.Name;
            line.LineWidth = 1.8f;
            line.MarkerSize = 7;
            if (s.StandardError.Any(e => e > 0))
            {
                var bars = plot.Add.ErrorBar(xs, s.Mean, s.StandardError);
                bars.Color = color;
            }
        }
        if (logX) AxisScaling.UseLogTicks(plot.Axes.Bottom);
        PlotStyle.LegendRight(plot);
        plot.Layout.Fixed(new PixelPadding(80, 230, 50, 16));
        return new PlotFigure
        {
            Title = $"{y} against {x}",
            Subtitle = $"sweep {name}: {members} completed members; points are means over {SeedKey}, error bars one standard error",
            Width = 760,
            Panels = { new Panel(plot, 460) },
        };
    }

    private static double StandardError(double[] v)
    {
        if (v.Length < 2) return 0;
        double mean = v.Average();
        double variance = v.Sum(a => (a - mean) * (a - mean)) / (v.Length - 1);
        return Math.Sqrt(variance / v.Length);
    }

    private static double Number(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN;

    private static string Safe(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());

    private static List<string> AxisKeys(string directory)
    {
        try
        {
            var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "sweep.json")))!;
            return doc["axes"]!.AsArray().Select(a => (string)a!).Select(a => a[..Math.Max(0, a.IndexOf('='))].Trim())
                .Select(k => k.StartsWith("$.", StringComparison.Ordinal) ? k[2..] : k).ToList();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new PlotInputException($"{directory}/sweep.json: cannot read the sweep's plan: {e.Message}", e);
        }
    }

    /// <summary>Reads a CSV file (RFC 4180 quoting) as written by the sweep.</summary>
    internal static Table Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PlotInputException($"{path}: cannot be read: {e.Message}", e);
        }
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n')
            {
                row.Add(cell.ToString()); cell.Clear();
                rows.Add([.. row]); row.Clear();
            }
            else if (c != '\r') cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add([.. row]); }
        if (rows.Count == 0) throw new PlotInputException($"{path}: is empty");
        return new Table(rows[0], rows.Skip(1).Where(r => r.Length == rows[0].Length).ToList());
    }
}
