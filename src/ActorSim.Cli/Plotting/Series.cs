namespace ActorSim.Cli.Plotting;

/// <summary>
/// One line of a <see cref="LineChart"/>: y against x, drawn in <see cref="Color"/> (the chart picks one
/// if null). Non-finite points (and non-positive ones on a log axis) are gaps in the line.
/// </summary>
public sealed record Series(string Name, double[] X, double[] Y, Rgb? Color = null)
{
    public Series Validate()
    {
        if (X.Length != Y.Length) throw new ArgumentException($"series '{Name}' has {X.Length} x values but {Y.Length} y values");
        return this;
    }
}
