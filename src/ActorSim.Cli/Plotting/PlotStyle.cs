using ScottPlot;

namespace ActorSim.Cli.Plotting;

/// <summary>The look shared by every chart: white background, light grid, the Category10 colours, a framed legend.</summary>
public static class PlotStyle
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    public static Plot NewPlot()
    {
        var plot = new Plot();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.1);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plot.Axes.Left.TickLabelStyle.FontSize = 11;
        return plot;
    }

    public static Color SeriesColor(int index) => Palette.GetColor(index);

    public static void Legend(Plot plot)
    {
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.FontSize = 11;
        plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.85);
    }

    /// <summary>The legend right of the data area (in the plot's right padding), never over the lines.</summary>
    public static void LegendRight(Plot plot)
    {
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 11;
    }
}
