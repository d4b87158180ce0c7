using System.Globalization;

namespace ActorSim.Simulation.Output;

/// <summary>
/// Reads a <c>timeseries.csv</c> as the run writes it: a header <c>t,&lt;var1&gt;,&lt;var2&gt;,…</c>, then
/// one line per output time with invariant-culture numbers (<c>NaN</c> and <c>±Infinity</c> allowed).
/// Anything else is an <see cref="OutputFormatException"/> naming the file, the line and the problem.
/// </summary>
public static class TimeseriesCsvReader
{
    public static Timeseries Read(string path)
    {
        StreamReader reader;
        try
        {
            reader = new StreamReader(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFormatException(path, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : "cannot be opened: " + e.Message, inner: e);
        }
        using (reader) return Read(reader, path);
    }

    /// <summary>Reads from a text reader; <paramref name="name"/> is the file name used in error messages.</summary>
    public static Timeseries Read(TextReader reader, string name)
    {
        string? header = reader.ReadLine();
        if (header is null) throw new OutputFormatException(name, "the file is empty (expected a header line t,<variables>)");
        string[] names = header.Split(',');
        if (names[0].Trim() != "t")
            throw new OutputFormatException(name, $"the header must start with the time column 't', found '{names[0]}'", 1);
        var columns = new List<string>();
        for (int c = 1; c < names.Length; c++)
        {
            string col = names[c].Trim();
            if (col.Length == 0) throw new OutputFormatException(name, $"column {c + 1} of the header has no name", 1);
            if (col == "t" || columns.Contains(col)) throw new OutputFormatException(name, $"column name '{col}' appears twice in the header", 1);
            columns.Add(col);
        }

        var t = new List<double>();
        var values = columns.Select(_ => new List<double>()).ToArray();
        int lineNo = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0)
            {
                if (reader.Peek() < 0) break;                                   // a trailing empty line
                throw new OutputFormatException(name, "empty line", lineNo);
            }
            string[] cells = line.Split(',');
            if (cells.Length != names.Length)
                throw new OutputFormatException(name, $"expected {names.Length} values ({header}), found {cells.Length}", lineNo);
            double time = Number(cells[0], "t");
            if (t.Count > 0 && !(time >= t[^1]))
                throw new OutputFormatException(name, $"time {cells[0]} is not after the previous line's time {t[^1].ToString("R", CultureInfo.InvariantCulture)}", lineNo);
            t.Add(time);
            for (int c = 0; c < columns.Count; c++) values[c].Add(Number(cells[c + 1], columns[c]));
        }
        return new Timeseries(columns, t.ToArray(), values.Select(v => v.ToArray()).ToArray());

        double Number(string cell, string column)
        {
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
            throw new OutputFormatException(name, $"column '{column}': '{cell}' is not a number", lineNo);
        }
    }
}
