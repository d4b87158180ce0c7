using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>sweep.csv</c>: one row per member, read from the member's own outputs (so kept members of a resumed sweep are
/// told exactly as before): member, the swept values, status, wall time, results_sha256, then the summary values —
/// the last row of its time series (<c>last.&lt;column&gt;</c>) and the scalars of run.json's analysis
/// (<c>analysis.&lt;name&gt;</c>, nested objects joined with dots).
/// </summary>
internal static class SweepTable
{
    public const string FileName = "sweep.csv";

    /// <summary>What a member's directory says about it: status, wall time, hash and the summary values by column.</summary>
    public sealed record Row(string Status, double? WallSeconds, string? ResultsSha256, IReadOnlyList<KeyValuePair<string, string>> Summary);

    /// <summary>The row of the member in <paramref name="directory"/> (status "pending" when it has no run.json yet).</summary>
    public static Row Read(string directory)
    {
        string record = Path.Combine(directory, "run.json");
        if (!File.Exists(record)) return new Row("pending", null, null, []);
        JsonObject run;
        try
        {
            run = JsonNode.Parse(File.ReadAllText(record))!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IOException)
        {
            return new Row("damaged", null, null, []);
        }
        var summary = new List<KeyValuePair<string, string>>();
        string csv = Path.Combine(directory, "timeseries.csv");
        if (File.Exists(csv))
        {
            var (header, last) = HeaderAndLastLine(csv);
            if (header is not null && last is not null)
            {
                string[] names = header.Split(','), values = last.Split(',');
                for (int i = 0; i < Math.Min(names.Length, values.Length); i++) summary.Add(new("last." + names[i], values[i]));
            }
        }
        if (run["analysis"] is JsonObject analysis) Flatten("analysis", analysis, summary);
        return new Row((string?)run["status"] ?? "unknown", (double?)run["wall_time_seconds"], (string?)run["results_sha256"], summary);
    }

    /// <summary>The first and the last non-empty line of a text file (the last read from the file's end).</summary>
    private static (string? Header, string? Last) HeaderAndLastLine(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        string? header;
        using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
            header = reader.ReadLine();
        if (header is null || header.Length == 0) return (null, null);
        long headerEnd = Encoding.UTF8.GetByteCount(header) + 1;
        for (int window = 4096; ; window *= 4)
        {
            long from = Math.Max(headerEnd, stream.Length - window);
            stream.Seek(from, SeekOrigin.Begin);
            var bytes = new byte[stream.Length - from];
            stream.ReadExactly(bytes);
            string[] lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // The first line of a window that starts mid-file may be cut: only a window from the header's end is whole.
            if (lines.Length > (from > headerEnd ? 1 : 0)) return (header, lines[^1].TrimEnd('\r'));
            if (from == headerEnd) return (header, null);
        }
    }

    private static void Flatten(string prefix, JsonNode? node, List<KeyValuePair<string, string>> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o) Flatten($"{prefix}.{k}", v, into);
                break;
            case JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                into.Add(new(prefix, v.ToJsonString()));
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                into.Add(new(prefix, v.GetValue<string>()));
                break;
            // arrays (e.g. lists of modes) and nulls are left out of the table: they are in each member's run.json
        }
    }

    /// <summary>Writes <c>sweep.csv</c> in <paramref name="sweepDirectory"/> (replaced atomically) for <paramref name="members"/>.</summary>
    public static void Write(string sweepDirectory, IReadOnlyList<string> axisKeys, IReadOnlyList<SweepMember> members) =>
        Write(sweepDirectory, axisKeys, members, m => Read(Path.Combine(sweepDirectory, m.Name)));

    /// <summary>Writes the table with each member's row from <paramref name="row"/> (e.g. rows read once, when the member ended).</summary>
    public static void Write(string sweepDirectory, IReadOnlyList<string> axisKeys, IReadOnlyList<SweepMember> members, Func<SweepMember, Row> rowOf,
        bool parquet = true)
    {
        var rows = members.Select(m => (Member: m, Row: rowOf(m))).ToList();
        var summaryColumns = new List<string>();
        var seen = new HashSet<string>();
        foreach (var (_, row) in rows)
            foreach (var (k, _) in row.Summary)
                if (seen.Add(k)) summaryColumns.Add(k);
        var header = new List<string> { "member" };
        header.AddRange(axisKeys);
        header.AddRange(["status", "wall_time_s", "results_sha256"]);
        header.AddRange(summaryColumns);
        var table = new List<string[]>();
        foreach (var (member, row) in rows)
        {
            var cells = new List<string> { member.Name };
            foreach (string key in axisKeys)
                cells.Add(member.Overrides.LastOrDefault(o => o.Key == key) is { } o ? ScenarioOverride.Display(o.Value) : "");
            cells.Add(row.Status);
            cells.Add(row.WallSeconds is { } w ? w.ToString("R", CultureInfo.InvariantCulture) : "");
            cells.Add(row.ResultsSha256 ?? "");
            var summary = row.Summary.GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            foreach (string c in summaryColumns) cells.Add(summary.TryGetValue(c, out var v) ? v : "");
            table.Add([.. cells]);
        }
        var text = new StringBuilder();
        text.AppendJoin(',', header.Select(Cell)).Append('\n');
        foreach (var cells in table) text.AppendJoin(',', cells.Select(Cell)).Append('\n');
        string path = Path.Combine(sweepDirectory, FileName);
        File.WriteAllText(path + ".tmp", text.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
        if (!parquet) return;
        string parquetPath = Path.Combine(sweepDirectory, ParquetFileName);
        using (var stream = File.Create(parquetPath + ".tmp")) WriteParquetAsync(stream, header, table).GetAwaiter().GetResult();
        File.Move(parquetPath + ".tmp", parquetPath, overwrite: true);
    }

    public const string ParquetFileName = "sweep.parquet";

    /// <summary>
    /// The table as Parquet: a column whose cells are all whole numbers is int64, all numbers double, else string
    /// (empty cells are nulls); member, status and results_sha256 are always strings.
    /// </summary>
    private static async Task WriteParquetAsync(Stream stream, List<string> header, List<string[]> table)
    {
        var inv = CultureInfo.InvariantCulture;
        var fields = new List<Parquet.Schema.DataField>();
        var writes = new List<Func<Parquet.ParquetRowGroupWriter, Parquet.Schema.DataField, Task>>();
        for (int c = 0; c < header.Count; c++)
        {
            int col = c;
            var cells = table.Select(r => r[col]).ToArray();
            var present = cells.Where(x => x.Length > 0).ToArray();
            bool text = header[c] is "member" or "status" or "results_sha256" || present.Length == 0;
            if (!text && present.All(x => long.TryParse(x, NumberStyles.AllowLeadingSign, inv, out _)))
            {
                fields.Add(new Parquet.Schema.DataField<long?>(header[c]));
                long?[] values = cells.Select(x => x.Length == 0 ? (long?)null : long.Parse(x, NumberStyles.AllowLeadingSign, inv)).ToArray();
                writes.Add((rg, f) => rg.WriteAsync<long>(f, values.AsMemory()));
            }
            else if (!text && present.All(x => double.TryParse(x, NumberStyles.Float, inv, out _)))
            {
                fields.Add(new Parquet.Schema.DataField<double?>(header[c]));
                double?[] values = cells.Select(x => x.Length == 0 ? (double?)null : double.Parse(x, NumberStyles.Float, inv)).ToArray();
                writes.Add((rg, f) => rg.WriteAsync<double>(f, values.AsMemory()));
            }
            else
            {
                fields.Add(new Parquet.Schema.DataField<string>(header[c], true));
                string?[] values = cells.Select(x => x.Length == 0 ? null : x).ToArray();
                writes.Add((rg, f) => rg.WriteAsync(f, values!));
            }
        }
        var schema = new Parquet.Schema.ParquetSchema(fields.ToArray());
        await using var writer = await Parquet.ParquetWriter.CreateAsync(schema, stream);
        using var group = writer.CreateRowGroup();
        for (int c = 0; c < fields.Count; c++) await writes[c](group, fields[c]);
    }

    /// <summary>A CSV cell, quoted when it holds a comma, a quote or a line break.</summary>
    private static string Cell(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
