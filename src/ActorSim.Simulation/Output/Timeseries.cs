namespace ActorSim.Simulation.Output;

/// <summary>
/// The contents of a <c>timeseries.csv</c>: the output times and, for each variable column, its values
/// (<c>Values[c][row]</c> belongs to <c>Columns[c]</c> at time <c>T[row]</c>).
/// </summary>
public sealed record Timeseries(IReadOnlyList<string> Columns, double[] T, IReadOnlyList<double[]> Values)
{
    public int Rows => T.Length;

    /// <summary>The values of one column, by name.</summary>
    public double[] Column(string name)
    {
        for (int c = 0; c < Columns.Count; c++)
            if (Columns[c] == name) return Values[c];
        throw new KeyNotFoundException($"no column '{name}' (columns: t, {string.Join(", ", Columns)})");
    }
}
