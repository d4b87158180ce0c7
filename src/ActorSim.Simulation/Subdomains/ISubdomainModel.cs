using ActorSim.Simulation.Models;

namespace ActorSim.Simulation.Subdomains;

/// <summary>
/// The coordinator's side of a model run on subdomain actors: creates the blocks' kernels, turns the
/// reduced bounds into the next <see cref="StepOrder"/>, and turns gathered snapshots into output.
/// Knows no actors.
/// </summary>
public interface ISubdomainModel : IRunnableModel
{
    /// <summary>Number of blocks.</summary>
    int BlockCount { get; }

    /// <summary>Creates the kernel of block <paramref name="block"/> with its initial state (called where the block lives).</summary>
    ISubdomainKernel CreateKernel(int block);

    /// <summary>
    /// Creates the kernel of a block whose neighbours may live in other processes (a cluster run), where a message hop
    /// costs ~0.1 ms instead of ~µs: a model may then trade redundant computation for fewer exchanges (virus-pde's deep
    /// halos). Every block of a run must be created the same way; results must not depend on it, bit for bit.
    /// </summary>
    ISubdomainKernel CreateDistributedKernel(int block) => CreateKernel(block);

    /// <summary>
    /// As <see cref="CreateKernel"/> (<paramref name="distributed"/>: <see cref="CreateDistributedKernel"/>), for a block that
    /// loads its state from a checkpoint before its first step (a resumed or recovered run): its arrays allocated, its
    /// initial state neither sampled nor derived, since the loaded state replaces it. After
    /// <see cref="Runtime.ICheckpointableKernel.LoadState"/> it must be the kernel the other method gives after the same load,
    /// bit for bit; before the load it must not be used. The default builds the initial state anyway (right, only slower).
    /// </summary>
    ISubdomainKernel CreateKernelForRestore(int block, bool distributed) => distributed ? CreateDistributedKernel(block) : CreateKernel(block);

    /// <summary>The halo links of block <paramref name="block"/> (the same as its kernel's), known without creating the kernel.</summary>
    IReadOnlyList<HaloLink> Links(int block);

    /// <summary>Reduces the blocks' partial bounds, given in block order, to global bounds.</summary>
    double[] ReduceBounds(IReadOnlyList<double[]> bounds);

    /// <summary>The next step from global bounds, never passing <paramref name="tEnd"/>.</summary>
    StepOrder Plan(long step, double t, double tEnd, double[] globalBounds);

    /// <summary>
    /// Whether <see cref="ReduceBounds"/> and <see cref="Plan"/> are pure functions of their arguments (no state, safe on
    /// any thread): then the blocks may plan leased steps themselves, each from every block's bounds, and a step needs
    /// no round trip through the coordinator (<see cref="RunStep.LeaseUntil"/>).
    /// </summary>
    bool PlansArePure => false;

    /// <summary>
    /// The blocks' snapshots at time <paramref name="t"/>, in block order: fills the time-series row
    /// (<see cref="Columns"/>) and returns the global fields to write (name → data and shape), computed in
    /// global cell order so that they do not depend on the block count.
    /// </summary>
    IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row);
}

/// <summary>A global field at one output time: name (e.g. <c>u</c>), values in C order, and shape.</summary>
public sealed record FieldSnapshot(string Name, double[] Values, int[] Shape);
