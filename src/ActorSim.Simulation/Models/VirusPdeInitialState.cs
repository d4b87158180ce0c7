using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Random;
using ActorSim.Numerics.Virus.Spatial;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The initial fields of a <c>virus-pde</c> scenario as a function of the cell-centre coordinates: a
/// uniform base state (Q*, Q0 or given values), u multiplied by 1 + a·cos(kx·x)·cos(ky·y), and optional
/// cell-wise noise drawn from Philox keyed by (seed, global cell index) — so the initial data are the
/// same whatever the block decomposition.
/// </summary>
internal sealed record VirusPdeInitialState(SpeciesTriple Base, double Amplitude, double Kx, double Ky, double Noise, ulong Seed, UniformGrid Grid)
{
    public static VirusPdeInitialState From(Scenario s, VirusPdeParameters p, UniformGrid grid)
    {
        var q = p.Reaction;
        SpeciesTriple baseState = s.Choice("state") switch
        {
            "endemic" => new SpeciesTriple(q.QStar!.Value.U, q.QStar.Value.V, q.QStar.Value.W),
            "infection-free" => new SpeciesTriple(q.Q0.U, q.Q0.V, q.Q0.W),
            _ => new SpeciesTriple(s.Init("u"), s.Init("v"), s.Init("w")),
        };
        double Wave(double mode, double length, BoundaryKind bc) => (bc == BoundaryKind.Periodic ? 2 : 1) * mode * Math.PI / length;
        double kx = Wave(s.Init("mode_x"), grid.Lx, grid.Boundary(0));
        double ky = grid.Dimension == 2 ? Wave(s.Init("mode_y"), grid.Ly, grid.Boundary(1)) : 0;
        return new VirusPdeInitialState(baseState, s.Init("amplitude"), kx, ky, s.Init("noise"), s.Run.Seed, grid);
    }

    public SpeciesTriple At(double x, double y)
    {
        double u = Base.U * (1 + Amplitude * Math.Cos(Kx * (x - Grid.X0)) * Math.Cos(Ky * (y - Grid.Y0)));
        if (Noise > 0)
        {
            int i = (int)Math.Round((x - Grid.X0) / Grid.Hx - 0.5);
            int j = Grid.Dimension == 2 ? (int)Math.Round((y - Grid.Y0) / Grid.Hy - 0.5) : 0;
            uint cell = (uint)(j * Grid.Nx + i);
            var (r0, _, _, _) = Philox4x32.Generate(cell, 0, 0, 0xA5A5A5A5u, (uint)Seed, (uint)(Seed >> 32));
            u *= 1 + Noise * (2 * (r0 / 4294967296.0) - 1);
        }
        return new SpeciesTriple(u, Base.V, Base.W);
    }
}
