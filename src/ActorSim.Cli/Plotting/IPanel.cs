namespace ActorSim.Cli.Plotting;

/// <summary>One plot in a <see cref="Figure"/>: it is given the full figure width and takes <see cref="Height"/> pixels.</summary>
public interface IPanel
{
    double Height { get; }

    void Render(ICanvas canvas, double x, double y, double width);
}
