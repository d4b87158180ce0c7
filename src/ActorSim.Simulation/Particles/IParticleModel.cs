using ActorSim.Simulation.Models;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Particles;

/// <summary>
/// One broadcast of the particle-block protocol: what every block is asked to do (a model-defined
/// <see cref="Kind"/>), a small <see cref="Header"/> (stage state, step size, flags) and optional
/// <see cref="Bulk"/> arrays every block needs (all particle positions for direct summation, the mesh field
/// of the particle-mesh method, halo values). Everything travels as raw doubles.
/// <para>
/// Ownership: the coordinator owns <see cref="Header"/> and <see cref="Bulk"/> and may reuse them for a later
/// round; blocks only read them while handling this round. A block's reply buffer likewise belongs to the
/// block and may be reused for its next round: the coordinator consumes every reply of a round before it
/// sends the next one (the protocol is bulk-synchronous), so neither side ever sees a buffer change under it.
/// </para>
/// </summary>
public sealed record ParticleRound(int Kind, double[] Header, double[][]? Bulk = null);

/// <summary>
/// The block side of a model on the particle-block protocol (an adapter over Numerics block kernels;
/// knows no actors): owns one contiguous block of particles (or cells) and answers rounds with partial sums.
/// </summary>
public interface IParticleKernel
{
    /// <summary>The block index (0-based; fixes the reduction order).</summary>
    int Block { get; }

    /// <summary>Handles one round and returns this block's reply (partials, deposits, positions, ...).</summary>
    double[] Handle(ParticleRound round);
}

/// <summary>
/// The coordinator side of a model on the particle-block protocol. Owns t, the step counter and the
/// macroscopic state; drives <em>activities</em> (one time step, or one output) as sequences of rounds.
/// Each round is broadcast to every block; when all replies are in, <see cref="Continue"/> gets them
/// <b>in block order</b> (never arrival order) and returns the next round, or null when the activity is
/// complete. Knows no actors.
/// </summary>
public interface IParticleModel : IRunnableModel
{
    /// <summary>Number of blocks B.</summary>
    int BlockCount { get; }

    /// <summary>Creates the kernel of block <paramref name="block"/> with its initial state (called where the block lives).</summary>
    IParticleKernel CreateKernel(int block);

    /// <summary>
    /// Creates the kernel of block <paramref name="block"/> for a block that loads its state from a checkpoint before its
    /// first round (a resumed or recovered run): its arrays allocated, its initial state neither sampled nor derived, since
    /// the loaded state replaces it. After <see cref="Runtime.ICheckpointableKernel.LoadState"/> it must be the kernel
    /// <see cref="CreateKernel"/> gives after the same load, bit for bit; before the load it must not be used. The default
    /// builds the initial state anyway (right, only slower).
    /// </summary>
    IParticleKernel CreateKernelForRestore(int block) => CreateKernel(block);

    /// <summary>The coordinator's current time.</summary>
    double Time { get; }

    /// <summary>Steps taken and stage rounds evaluated so far.</summary>
    StepCounters Counters { get; }

    /// <summary>Starts one time step that ends no later than <paramref name="tEnd"/> (and exactly at it when it is reached).</summary>
    ParticleRound BeginStep(double tEnd);

    /// <summary>Starts an output at the current time (diagnostics, snapshots).</summary>
    ParticleRound BeginOutput();

    /// <summary>The replies of the last round, in block order: the next round of the activity, or null when it is complete.</summary>
    ParticleRound? Continue(IReadOnlyList<double[]> repliesInBlockOrder);

    /// <summary>After a completed output activity: fills the time-series row (<see cref="IRunnableModel.Columns"/>) and returns the fields to write.</summary>
    IReadOnlyList<FieldSnapshot> CompleteOutput(Span<double> row);
}

/// <summary>Fixed-step planning that lands exactly on the end of an interval.</summary>
public static class StepPlanner
{
    /// <summary>
    /// The next step from <paramref name="t"/> towards <paramref name="tEnd"/> with steps no longer than
    /// <paramref name="dtMax"/>: the remaining span is cut into the fewest equal steps, so a run whose output
    /// interval is a multiple of dtMax takes exactly dtMax steps; the last step ends exactly at tEnd.
    /// </summary>
    public static (double Dt, double TNext) Next(double t, double tEnd, double dtMax)
    {
        double remaining = tEnd - t;
        if (!(remaining > 0)) throw new ArgumentOutOfRangeException(nameof(tEnd), tEnd, $"the step end must lie after t = {t}");
        if (!(dtMax > 0)) throw new ArgumentOutOfRangeException(nameof(dtMax), dtMax, "the step bound must be > 0");
        double steps = Math.Ceiling(remaining / dtMax - 1e-9);
        if (!(steps > 1)) return (remaining, tEnd);
        double dt = remaining / steps;
        return (dt, t + dt);
    }
}
