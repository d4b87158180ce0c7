namespace ActorSim.Cli.Plotting;

/// <summary>One labelled tick of an axis. The label may hold a superscript written <c>^{…}</c> (<c>10^{3}</c>).</summary>
public readonly record struct Tick(double Value, string Label);

/// <summary>
/// An axis: the data range it shows (<see cref="Min"/> to <see cref="Max"/>), whether it is
/// logarithmic, its labelled ticks and its unlabelled minor ticks.
/// </summary>
public sealed record AxisScale(double Min, double Max, bool Log, IReadOnlyList<Tick> Ticks, IReadOnlyList<double> MinorTicks)
{
    /// <summary>Where <paramref name="v"/> lies on the axis, 0 at <see cref="Min"/> and 1 at <see cref="Max"/>.</summary>
    public double Fraction(double v) => Log
        ? (Math.Log10(v) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
        : (v - Min) / (Max - Min);

    /// <summary>Whether <paramref name="v"/> can be drawn on this axis (finite, and positive on a log axis).</summary>
    public bool CanShow(double v) => double.IsFinite(v) && (!Log || v > 0);
}
