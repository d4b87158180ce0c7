using ActorSim.Simulation.Output;

namespace ActorSim.Cli.Plotting;

/// <summary>
/// The figure of one field snapshot: a heatmap with a colour bar for a 2D field (shape (ny, nx)), a
/// profile (line chart against the cell index) for a 1D field.
/// </summary>
public static class FieldFigure
{
    public static Figure Build(FieldSnapshot snapshot, NpyArray field, RunInfo run)
    {
        string what = $"{snapshot.Name}, snapshot {snapshot.Index} (last)";
        if (field.Data.Length == 0)
            throw new PlotInputException($"{snapshot.Path}: the field is empty (shape {NpyHeader.ShapeRepr(field.Shape)})");
        switch (field.Rank)
        {
            case 2:
            {
                var map = new Heatmap(field.Data, field.Shape[0], field.Shape[1])
                {
                    Title = $"{what}, {field.Shape[0]} × {field.Shape[1]} cells",
                    ColorbarLabel = snapshot.Name,
                };
                return new Figure { Title = run.Title(70), Width = 760, Panels = { map.FitHeight(760) } };
            }
            case 1:
            {
                var x = Enumerable.Range(0, field.Shape[0]).Select(i => (double)i).ToArray();
                var chart = new LineChart { Title = $"{what}, {field.Shape[0]} cells", XLabel = "x (cell index i)", YLabel = snapshot.Name, Height = 440, XMinStep = 1 };
                chart.Series.Add(new Series(snapshot.Name, x, field.Data));
                return new Figure { Title = run.Title(), Width = 880, Panels = { chart } };
            }
            default:
                throw new PlotInputException($"{snapshot.Path}: a {field.Rank}D array (shape {NpyHeader.ShapeRepr(field.Shape)}) cannot be plotted; fields are 1D or 2D");
        }
    }
}
