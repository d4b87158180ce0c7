using System.Globalization;
using ActorSim.Simulation.Output;
using ScottPlot;

namespace ActorSim.Cli.Plotting;

/// <summary>A field snapshot with the time it was written at (NaN when the time series has no row for it).</summary>
public sealed record TimedSnapshot(FieldSnapshot Snapshot, double T, bool Last);

/// <summary>
/// The figure of one field snapshot in physical coordinates (<see cref="FieldGeometry"/>): a heatmap with a
/// colour bar and x, y axes for a 2D field, a profile against x for a 1D field, a histogram (steps) for particle
/// histograms and particle positions. <paramref name="range"/> fixes the value range (colour scale or y axis), so
/// the frames of a series compare.
/// </summary>
public static class FieldFigure
{
    private const int PositionBins = 50;

    public static PlotFigure Build(TimedSnapshot timed, NpyArray field, RunInfo run, (double Lo, double Hi)? range = null)
    {
        var snapshot = timed.Snapshot;
        if (field.Data.Length == 0)
            throw new PlotInputException($"{snapshot.Path}: the field is empty (shape {NpyHeader.ShapeRepr(field.Shape)})");
        if (field.Rank is not (1 or 2))
            throw new PlotInputException($"{snapshot.Path}: a {field.Rank}D array (shape {NpyHeader.ShapeRepr(field.Shape)}) cannot be plotted; fields are 1D or 2D");

        var g = FieldGeometry.For(run, snapshot.Name, field.Shape);
        string when = double.IsFinite(timed.T)
            ? $"t = {AxisScaling.Format(timed.T)} (snapshot {snapshot.Index}{(timed.Last ? ", last" : "")})"
            : $"snapshot {snapshot.Index}{(timed.Last ? " (last)" : "")}";
        var plot = PlotStyle.NewPlot();

        if (g.Positions)
            return Positions(timed, field, run, g, when, plot);
        if (field.Rank == 2)
        {
            int rows = field.Shape[0], cols = field.Shape[1];
            Map(plot, Grid(field.Data, rows, cols, g.Transposed), g, range);
            plot.Title($"{snapshot.Name} at {when}, {cols} × {rows} cells", size: 13);
            return Map2D(run, plot, g);
        }

        int n = field.Shape[0];
        double dx = (g.X1 - g.X0) / n;
        var x = Enumerable.Range(0, n).Select(i => g.X0 + (i + 0.5) * dx).ToArray();
        if (g.Histogram) Steps(plot, g.X0, dx, field.Data);
        else
        {
            int[] finite = Enumerable.Range(0, n).Where(i => double.IsFinite(field.Data[i])).ToArray(); // non-finite cells left out
            if (finite.Length == 0) throw new PlotInputException($"{snapshot.Path}: no finite value to plot");
            var line = plot.Add.ScatterLine(finite.Select(i => x[i]).ToArray(), finite.Select(i => field.Data[i]).ToArray(), PlotStyle.SeriesColor(0));
            line.LineWidth = 1.8f;
            if (n <= 80) line.MarkerSize = 4;
        }
        plot.Title($"{snapshot.Name} at {when}, {n} {(g.Histogram ? "bins" : "cells")}", size: 13);
        return Profile(run, plot, g, range);
    }

    private static PlotFigure Profile(RunInfo run, Plot plot, FieldGeometry g, (double Lo, double Hi)? range)
    {
        plot.XLabel(g.XLabel, size: 13);
        plot.YLabel(g.ValueLabel, size: 13);
        plot.Axes.AutoScale();
        if (g.X1 > g.X0) plot.Axes.SetLimitsX(g.X0, g.X1);
        if (range is { } r && r.Hi > r.Lo) plot.Axes.SetLimitsY(Math.Min(0, r.Lo), r.Hi + 0.05 * (r.Hi - Math.Min(0, r.Lo)));
        plot.Layout.Fixed(new PixelPadding(88, 24, 48, 32));
        return new PlotFigure { Title = run.Title(), Subtitle = run.Subtitle(), Width = 760, Panels = { new Panel(plot, 440) } };
    }

    /// <summary>A heatmap page whose data area has the domain's aspect ratio (within 1:2 and 2:1), so cells stay square.</summary>
    private static PlotFigure Map2D(RunInfo run, Plot plot, FieldGeometry g)
    {
        const float left = 70, right = 130, bottom = 50, top = 32, width = 640;
        float dataWidth = width - left - right;
        double aspect = g.X1 > g.X0 && g.Y1 > g.Y0 ? (g.Y1 - g.Y0) / (g.X1 - g.X0) : 1;
        float dataHeight = dataWidth * (float)Math.Clamp(aspect, 0.5, 2);
        plot.Layout.Fixed(new PixelPadding(left, right, bottom, top));
        return new PlotFigure { Title = run.Title(), Subtitle = run.Subtitle(), Width = width, Panels = { new Panel(plot, dataHeight + bottom + top) } };
    }

    /// <summary>Row-major data as [row, column] with row 0 at y0 (the bottom); transposed so rows run along x if asked.</summary>
    private static double[,] Grid(double[] data, int rows, int cols, bool transposed)
    {
        // ScottPlot draws row 0 at the top: put the array's last row (largest y) first.
        if (transposed)
        {
            var t = new double[cols, rows];
            for (int a = 0; a < rows; a++)
                for (int b = 0; b < cols; b++) t[cols - 1 - b, a] = data[a * cols + b];
            return t;
        }
        var grid = new double[rows, cols];
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < cols; i++) grid[rows - 1 - j, i] = data[j * cols + i];
        return grid;
    }

    private static void Map(Plot plot, double[,] grid, FieldGeometry g, (double Lo, double Hi)? range)
    {
        for (int j = 0; j < grid.GetLength(0); j++)
            for (int i = 0; i < grid.GetLength(1); i++)
                if (!double.IsFinite(grid[j, i])) grid[j, i] = double.NaN;
        var map = plot.Add.Heatmap(grid);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.Rectangle = new CoordinateRect(g.X0, g.X1, g.Y0, g.Y1); // the cells' outer edges
        map.NaNCellColor = Colors.Gray;
        if (range is { } r && r.Hi > r.Lo) map.ManualRange = new ScottPlot.Range(r.Lo, r.Hi);
        var bar = plot.Add.ColorBar(map);
        bar.Label = g.ValueLabel;
        bar.LabelStyle.FontSize = 13;
        plot.XLabel(g.XLabel, size: 13);
        plot.YLabel(g.YLabel, size: 13);
        plot.Axes.SetLimits(g.X0, g.X1, g.Y0, g.Y1);
    }

    private static void Steps(Plot plot, double x0, double dx, double[] counts)
    {
        var xs = new double[counts.Length + 1];
        var ys = new double[counts.Length + 1];
        for (int i = 0; i <= counts.Length; i++)
        {
            xs[i] = x0 + i * dx;
            ys[i] = counts[Math.Min(i, counts.Length - 1)];
        }
        var steps = plot.Add.ScatterLine(xs, ys, PlotStyle.SeriesColor(0));
        steps.ConnectStyle = ConnectStyle.StepHorizontal;
        steps.LineWidth = 1.6f;
        steps.FillY = true;
        steps.FillYColor = PlotStyle.SeriesColor(0).WithAlpha(0.25);
    }

    /// <summary>A histogram of particle positions (1D) or a 2D histogram as a heatmap.</summary>
    private static PlotFigure Positions(TimedSnapshot timed, NpyArray field, RunInfo run, FieldGeometry g, string when, Plot plot)
    {
        var d = field.Data.Where(double.IsFinite).ToArray();
        if (d.Length == 0) throw new PlotInputException($"{timed.Snapshot.Path}: no finite particle position");
        if (field.Rank == 2)
        {
            int n = field.Shape[0], bins = 64;
            double lo = d.Min(), hi = d.Max();
            if (!(hi > lo)) hi = lo + 1;
            var h = new double[bins * bins];
            double scale = bins / (hi - lo);
            for (int p = 0; p < n; p++)
            {
                int a = Math.Min(bins - 1, (int)((field.Data[2 * p] - lo) * scale));
                int b = Math.Min(bins - 1, (int)((field.Data[2 * p + 1] - lo) * scale));
                if (a >= 0 && b >= 0) h[a * bins + b] += 1;
            }
            var geo = g with { X0 = lo, X1 = hi, Y0 = lo, Y1 = hi, Transposed = true };
            Map(plot, Grid(h, bins, bins, transposed: true), geo, null);
            plot.Title($"{n.ToString(CultureInfo.InvariantCulture)} particle positions at {when}", size: 13);
            return Map2D(run, plot, geo);
        }
        double x0 = d.Min(), x1 = d.Max();
        if (!(x1 > x0)) x1 = x0 + 1;
        double dx = (x1 - x0) / PositionBins;
        var counts = new double[PositionBins];
        foreach (double v in d) counts[Math.Min(PositionBins - 1, (int)((v - x0) / dx))] += 1;
        Steps(plot, x0, dx, counts);
        plot.Title($"{d.Length.ToString(CultureInfo.InvariantCulture)} particle positions at {when}", size: 13);
        return Profile(run, plot, g with { X0 = x0, X1 = x1 }, null);
    }
}
