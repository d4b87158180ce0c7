namespace ActorSim.Simulation.Subdomains;

/// <summary>
/// A halo link of a subdomain: its port <see cref="Port"/> (a side of its patch) faces port
/// <see cref="NeighbourPort"/> of block <see cref="NeighbourBlock"/>, or a physical boundary when
/// <see cref="NeighbourBlock"/> &lt; 0. Links are symmetric: the neighbour has the mirrored link.
/// </summary>
public readonly record struct HaloLink(int Port, int NeighbourBlock, int NeighbourPort)
{
    public bool IsBoundary => NeighbourBlock < 0;
}

/// <summary>
/// What a subdomain actor computes, over one block of a grid (an adapter over a Numerics subdomain kernel;
/// knows no actors). A step is: halo exchange 0, <see cref="ComputeBounds"/> (sent to the coordinator),
/// the coordinator's <see cref="StepOrder"/>, <see cref="BeginStep"/> and <see cref="Stage"/>(1), then for
/// each later stage k a halo exchange k and <see cref="Stage"/>(k).
/// </summary>
public interface ISubdomainKernel
{
    /// <summary>The block index (0-based, the reduction order).</summary>
    int Block { get; }

    /// <summary>The halo links of this block, in a fixed order.</summary>
    IReadOnlyList<HaloLink> Links { get; }

    /// <summary>How many doubles cross the face at <paramref name="port"/>.</summary>
    int HaloLength(int port);

    /// <summary>Copies the layers next to <paramref name="port"/> that the neighbour there needs.</summary>
    void ExtractHalo(int port, Span<double> buffer);

    /// <summary>Fills the ghost layers at <paramref name="port"/> from the neighbour's extract.</summary>
    void ApplyHalo(int port, ReadOnlySpan<double> buffer);

    /// <summary>Fills the ghost layers at <paramref name="port"/> by the physical boundary rule.</summary>
    void ApplyBoundary(int port);

    /// <summary>
    /// Whether the exchange about to happen (before the next stage of the step, or before the bounds when no step is
    /// in progress) must fill the ghost layers at <paramref name="port"/>: false when the next stage does not read them
    /// (a stage of a directional split reads only its own axis). A skipped port's halo is neither sent nor awaited —
    /// on a cluster a message hop less per stage — and the answer must be the same on both sides of a link.
    /// </summary>
    bool NeedsHalo(int port) => true;

    /// <summary>
    /// Whether <see cref="ComputeBounds"/> needs the halo exchange that follows a step. False when the step already
    /// computed the ghost layers the bounds read (as the neighbours compute them): the actor then mirrors the physical
    /// boundaries, reports its bounds at once and lets that exchange travel meanwhile (it must be complete before
    /// stage 1) — the coordinator's round and the exchange overlap instead of following each other.
    /// </summary>
    bool BoundsNeedHalos => true;

    /// <summary>This block's partial step bounds (halos current), reduced by the coordinator in block order.</summary>
    double[] ComputeBounds();

    /// <summary>Starts the step the coordinator ordered.</summary>
    void BeginStep(StepOrder order);

    /// <summary>Stage <paramref name="k"/> (1-based) of the current step; halos are current.</summary>
    void Stage(int k);

    /// <summary>Length of <see cref="CopySnapshot"/>'s output.</summary>
    int SnapshotLength { get; }

    /// <summary>Copies the block's interior fields (model-defined layout) for output.</summary>
    void CopySnapshot(Span<double> destination);
}

/// <summary>The coordinator's order for one step: its number, start time, length, end time (exactly an output time when clipped to one), stage count, and model-specific integer detail (e.g. stages per direction).</summary>
public sealed record StepOrder(long Step, double T, double Dt, double TNext, int Stages, int[]? Detail = null);
