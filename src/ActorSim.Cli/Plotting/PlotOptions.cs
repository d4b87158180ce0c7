namespace ActorSim.Cli.Plotting;

/// <summary>The file format of the plots.</summary>
public enum PlotFormat { Svg, Png }

/// <summary>How the time series are arranged.</summary>
public enum TimeseriesLayout
{
    /// <summary>One chart per quantity family (<see cref="QuantityFamilies"/>): like quantities share an axis.</summary>
    Auto,
    /// <summary>All variables on one chart, with a legend.</summary>
    Overlay,
    /// <summary>One chart per variable.</summary>
    Panels,
}

/// <summary>
/// What <c>actorsim plot</c> draws and how: <paramref name="T"/> picks the field snapshot nearest to that time
/// (default: the last), <paramref name="Every"/> &gt; 0 draws every that many-th snapshot of each field as a frame.
/// </summary>
public sealed record PlotOptions(
    PlotFormat Format = PlotFormat.Svg, TimeseriesLayout Layout = TimeseriesLayout.Auto, bool LogY = false,
    double? T = null, int Every = 0)
{
    public string Extension => Format == PlotFormat.Png ? ".png" : ".svg";
}
