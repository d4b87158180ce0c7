using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>A child of the receiving actor failed and was stopped.</summary>
internal sealed record ChildFailure(Exception Cause);

/// <summary>
/// A supervisor strategy that stops a failing child and tells the supervising actor (<see cref="Target"/>, set by
/// that actor in PreStart) a <see cref="ChildFailure"/>, so that a failure on a long-lived node ends the run it
/// belongs to with an error instead of faulting the whole node.
/// </summary>
internal sealed class FailureRelay
{
    private IActorRef? _target;

    public FailureRelay() =>
        Strategy = new OneForOneStrategy(cause =>
        {
            Volatile.Read(ref _target)?.Tell(new ChildFailure(cause));
            return Directive.Stop;
        });

    public SupervisorStrategy Strategy { get; }

    public IActorRef? Target
    {
        get => Volatile.Read(ref _target);
        set => Volatile.Write(ref _target, value);
    }
}

/// <summary>A block's kernel failed; the message names the block, the node and the operation.</summary>
public sealed class BlockFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Wraps a block's kernel so that an exception names the block, the node and what it was doing (the supervisor only
/// sees the exception). Adds one try/catch per call, nothing else.
/// </summary>
internal sealed class GuardedKernel(ISubdomainKernel inner, string node) : ISubdomainKernel, ICheckpointableKernel
{
    /// <param name="forRestore">The block loads a checkpoint's state before its first step (<see cref="ISubdomainModel.CreateKernelForRestore"/>).</param>
    public static ISubdomainKernel Create(ISubdomainModel model, int block, string node, bool forRestore = false)
    {
        try
        {
            return new GuardedKernel(forRestore ? model.CreateKernelForRestore(block, distributed: true) : model.CreateDistributedKernel(block), node);
        }
        catch (Exception ex)
        {
            throw new BlockFailedException($"block {block} on node '{node}' failed while creating its kernel: {ex.Message}", ex);
        }
    }

    private Exception Fail(string operation, Exception ex) =>
        new BlockFailedException($"block {inner.Block} on node '{node}' failed in {operation}: {ex.Message}", ex);

    public int Block => inner.Block;
    public IReadOnlyList<HaloLink> Links => inner.Links;
    public int SnapshotLength => inner.SnapshotLength;
    public int HaloLength(int port) => inner.HaloLength(port);

    // Forwarded, not left to the interface's default (true): a skipped halo is a message hop less per stage.
    public bool NeedsHalo(int port)
    {
        try { return inner.NeedsHalo(port); }
        catch (Exception ex) { throw Fail($"NeedsHalo(port {port})", ex); }
    }

    public bool BoundsNeedHalos
    {
        get
        {
            try { return inner.BoundsNeedHalos; }
            catch (Exception ex) { throw Fail("BoundsNeedHalos", ex); }
        }
    }

    public void ExtractHalo(int port, Span<double> buffer)
    {
        try { inner.ExtractHalo(port, buffer); }
        catch (Exception ex) { throw Fail($"ExtractHalo(port {port})", ex); }
    }

    public void ApplyHalo(int port, ReadOnlySpan<double> buffer)
    {
        try { inner.ApplyHalo(port, buffer); }
        catch (Exception ex) { throw Fail($"ApplyHalo(port {port})", ex); }
    }

    public void ApplyBoundary(int port)
    {
        try { inner.ApplyBoundary(port); }
        catch (Exception ex) { throw Fail($"ApplyBoundary(port {port})", ex); }
    }

    public double[] ComputeBounds()
    {
        try { return inner.ComputeBounds(); }
        catch (Exception ex) { throw Fail("ComputeBounds", ex); }
    }

    public void BeginStep(StepOrder order)
    {
        try { inner.BeginStep(order); }
        catch (Exception ex) { throw Fail($"BeginStep(step {order.Step})", ex); }
    }

    public void Stage(int k)
    {
        try
        {
            if (NodeSlowdown.Active) NodeSlowdown.Run(static x => { x.inner.Stage(x.k); return 0; }, (inner, k));
            else inner.Stage(k);
        }
        catch (Exception ex) { throw Fail($"Stage({k})", ex); }
    }

    public void CopySnapshot(Span<double> destination)
    {
        try { inner.CopySnapshot(destination); }
        catch (Exception ex) { throw Fail("CopySnapshot", ex); }
    }

    // Checkpoints: the inner kernel's capability (a clear error names the block when it has none).
    public int StateLength => BlockCheckpoints.Capability(inner, inner.Block).StateLength;

    public void SaveState(Span<double> state) => BlockCheckpoints.Capability(inner, inner.Block).SaveState(state);

    public void LoadState(ReadOnlySpan<double> state) => BlockCheckpoints.Capability(inner, inner.Block).LoadState(state);
}

/// <summary>Like <see cref="GuardedKernel"/>, for a particle block.</summary>
internal sealed class GuardedParticleKernel(Particles.IParticleKernel inner, string node) : Particles.IParticleKernel, ICheckpointableKernel
{
    /// <param name="forRestore">The block loads a checkpoint's state before its first round (<see cref="Particles.IParticleModel.CreateKernelForRestore"/>).</param>
    public static Particles.IParticleKernel Create(Particles.IParticleModel model, int block, string node, bool forRestore = false)
    {
        try
        {
            return new GuardedParticleKernel(forRestore ? model.CreateKernelForRestore(block) : model.CreateKernel(block), node);
        }
        catch (Exception ex)
        {
            throw new BlockFailedException($"block {block} on node '{node}' failed while creating its kernel: {ex.Message}", ex);
        }
    }

    public int Block => inner.Block;

    public double[] Handle(Particles.ParticleRound round)
    {
        try { return NodeSlowdown.Active ? NodeSlowdown.Run(static x => x.inner.Handle(x.round), (inner, round)) : inner.Handle(round); }
        catch (Exception ex) { throw new BlockFailedException($"block {inner.Block} on node '{node}' failed in a round of kind {round.Kind}: {ex.Message}", ex); }
    }

    public int StateLength => BlockCheckpoints.Capability(inner, inner.Block).StateLength;

    public void SaveState(Span<double> state) => BlockCheckpoints.Capability(inner, inner.Block).SaveState(state);

    public void LoadState(ReadOnlySpan<double> state) => BlockCheckpoints.Capability(inner, inner.Block).LoadState(state);
}

/// <summary>What the cluster needs to know of a model with blocks, whichever block protocol it uses.</summary>
internal static class BlockModels
{
    /// <summary>The block count of a subdomain or particle-block model; null for a model the coordinator runs alone.</summary>
    public static int? BlockCount(Models.IRunnableModel model) => model switch
    {
        ISubdomainModel s => s.BlockCount,
        Particles.IParticleModel p => p.BlockCount,
        _ => null,
    };

    /// <summary>The actor of block <paramref name="block"/> on node <paramref name="node"/>; <paramref name="forRestore"/>: its kernel is
    /// built without an initial state, to load a checkpoint's before anything else (<see cref="CreateBlocks.ForRestore"/>).</summary>
    public static Props BlockProps(Models.IRunnableModel model, int block, string node, bool forRestore = false) => model switch
    {
        ISubdomainModel s => ActorFactory.Props(() => new SubdomainActor(() => GuardedKernel.Create(s, block, node, forRestore), s.PlansArePure ? s : null, forRestore)),
        Particles.IParticleModel p => ActorFactory.Props(() => new Particles.ParticleBlockActor(() => GuardedParticleKernel.Create(p, block, node, forRestore), forRestore)),
        _ => throw new InvalidOperationException($"model type {model.GetType().Name} has no blocks"),
    };
}
