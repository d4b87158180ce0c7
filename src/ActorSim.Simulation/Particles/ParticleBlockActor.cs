using ActorSim.Actors;
using Akka.Actor;

namespace ActorSim.Simulation.Particles;

/// <summary>
/// Owns one block of particles (its <see cref="IParticleKernel"/>, created in <see cref="PreStart"/>, i.e. on
/// the actor's own thread, so blocks initialise in parallel). Answers every <see cref="BlockRound"/> with a
/// <see cref="BlockReply"/> to the sender; at a checkpoint it writes its kernel's state (<see cref="Runtime.SaveBlockState"/>), and
/// on resume it reads it back (<see cref="Runtime.RestoreBlock"/>). Blocks never talk to each other: data every block needs (positions,
/// mesh fields, halos) is relayed by the coordinator, which keeps the result independent of message order.
/// </summary>
public sealed class ParticleBlockActor : Actor
{
    private readonly Func<IParticleKernel> _createKernel;
    private IParticleKernel _kernel = null!;
    private bool _awaitingState;
    private bool _handedOver;

    /// <param name="createKernel">Creates this block's kernel (called where the block lives).</param>
    /// <param name="awaitingState">The kernel was built to be restored (<see cref="IParticleModel.CreateKernelForRestore"/>): it
    /// holds no state until a restore message loads one, and the block refuses to compute or save before that.</param>
    public ParticleBlockActor(Func<IParticleKernel> createKernel, bool awaitingState = false)
    {
        _createKernel = createKernel;
        _awaitingState = awaitingState;
    }

    protected override void PreStart() => _kernel = _createKernel();

    protected override void Receive(object message)
    {
        switch (message)
        {
            case BlockRound or Runtime.SaveBlockState or Runtime.Cluster.HandBlockOver when _awaitingState:
                throw Runtime.BlockCheckpoints.NotRestored(_kernel.Block, message);
            case BlockRound or Runtime.SaveBlockState when _handedOver:
                throw new InvalidOperationException($"block {_kernel.Block} moved to another node but got {message.GetType().Name}");
            case BlockRound r:
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                var reply = _kernel.Handle(r.Round);
                double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
                (Sender ?? throw new InvalidOperationException("BlockRound must come from the coordinator"))
                    .Tell(new BlockReply(r.Seq, _kernel.Block, reply) { ComputeSeconds = seconds }, Self);
                break;
            case Runtime.SaveBlockState save:
                Runtime.BlockCheckpoints.SaveAndReport(_kernel, _kernel.Block, save,
                    Sender ?? throw new InvalidOperationException("SaveBlockState must come from the coordinator"), Self);
                break;
            case Runtime.Cluster.HandBlockOver handOver:
                // A live move: the state goes to the block's new actor (again, if asked again); nothing more is computed here,
                // and the host stops this actor once the run goes on.
                Runtime.BlockCheckpoints.HandOver(_kernel, _kernel.Block, handOver, Self);
                _handedOver = true;
                break;
            case Runtime.RestoreBlock restore:
                Runtime.BlockCheckpoints.Restore(_kernel, _kernel.Block, restore);
                _awaitingState = false;
                break;
            case Runtime.Cluster.RestoreBlockState restore:
                if (Runtime.BlockCheckpoints.Restore(_kernel, _kernel.Block, restore, Self)) _awaitingState = false;
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
