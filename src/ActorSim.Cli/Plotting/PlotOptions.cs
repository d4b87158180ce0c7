namespace ActorSim.Cli.Plotting;

/// <summary>The file format of the plots.</summary>
public enum PlotFormat { Svg, Png }

/// <summary>How the time series are arranged.</summary>
public enum TimeseriesLayout
{
    /// <summary>
    /// One chart for all variables when their magnitudes are within a factor of 10 of each other (or the
    /// y axis is logarithmic) and there are at most 6; otherwise one panel per variable.
    /// </summary>
    Auto,
    /// <summary>All variables on one chart, with a legend.</summary>
    Overlay,
    /// <summary>One panel per variable, stacked, sharing the time axis.</summary>
    Panels,
}

/// <summary>What <c>actorsim plot</c> draws and how.</summary>
public sealed record PlotOptions(PlotFormat Format = PlotFormat.Svg, TimeseriesLayout Layout = TimeseriesLayout.Auto, bool LogY = false)
{
    public string Extension => Format == PlotFormat.Png ? ".png" : ".svg";
}
