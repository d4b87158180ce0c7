using Akka.Actor;
using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Simulation.Runtime.Cluster;

// Live block moves (issue "Elastic cluster", items 1 and 2, particle models): the blocks that change node move at a step
// barrier by sending their states straight to actors built for them on the new node; the other blocks stay where they
// are, the coordinator waits at the barrier meanwhile, no checkpoint is taken and the epoch goes on
// (ClusterRunActor.LiveMove.cs). A run that cannot move live declines, and the submitter moves its blocks through a
// checkpoint and the next epoch instead (ClusterRunner.Moves.cs).

/// <summary>Submitter to run actor: move the blocks to <paramref name="Placement"/> (node of each block) at the next step;
/// answered on the submitter's listener with <see cref="BlocksMoved"/> or <see cref="MoveDeclined"/>.</summary>
/// <param name="Reason">Why (for the logs and the run's history), e.g. "worker 'node-3' joined".</param>
public sealed record MoveBlocks(string RunId, IReadOnlyList<string> Placement, string Reason);

/// <summary>Run actor to the submitter's listener: the blocks moved live. <paramref name="Blocks"/> moved (with their
/// state sizes in <paramref name="Bytes"/>) at step <paramref name="Step"/>; <paramref name="BarrierS"/> from the request
/// to the coordinator holding at that step, <paramref name="TransferS"/> from there to the coordinator going on.</summary>
public sealed record BlocksMoved(string RunId, IReadOnlyList<string> Placement, IReadOnlyList<string> Workers, int[] Blocks, long[] Bytes,
    long Step, double T, double BarrierS, double TransferS);

/// <summary>Run actor to the submitter's listener: this run cannot move its blocks live (why); the submitter moves them
/// through a checkpoint and the next epoch.</summary>
public sealed record MoveDeclined(string RunId, string Reason);

/// <summary>Run actor to the block host of the node that holds <paramref name="Block"/> (the coordinator holds at the step
/// barrier): the block sends its state to <paramref name="Target"/>, its new actor, as <see cref="RestoreBlockState"/>
/// (which answers <see cref="BlockRestored"/> to <paramref name="ReplyTo"/>), and is then stopped.</summary>
public sealed record HandBlockOver(string RunId, int Block, long Step, IActorRef Target, IActorRef ReplyTo);

/// <summary>The wire contracts of live block moves (ids 174–177).</summary>
public static class LiveMoveWire
{
    public const int MoveBlocksId = 174;
    public const int BlocksMovedId = 175;
    public const int MoveDeclinedId = 176;
    public const int HandBlockOverId = 177;

    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<MoveBlocks>(MoveBlocksId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            foreach (var node in m.Placement) w.WriteString(2, node);
            w.WriteString(3, m.Reason);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", reason = "";
            var placement = new List<string>();
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: placement.Add(r.ReadString()); break;
                    case 3: reason = r.ReadString(); break;
                    default: r.SkipField(); break;
                }
            }
            return new MoveBlocks(run, placement, reason);
        });
        registry.Register<BlocksMoved>(BlocksMovedId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            foreach (var node in m.Placement) w.WriteString(2, node);
            foreach (var node in m.Workers) w.WriteString(3, node);
            w.WriteInt32s(4, m.Blocks);
            w.WriteInt64s(5, m.Bytes);
            w.WriteInt64(6, m.Step);
            w.WriteDouble(7, m.T);
            w.WriteDouble(8, m.BarrierS);
            w.WriteDouble(9, m.TransferS);
        }, static (ref WireReader r, int _) =>
        {
            string run = "";
            var placement = new List<string>();
            var workers = new List<string>();
            int[] blocks = [];
            long[] bytes = [];
            long step = 0;
            double t = 0, barrier = 0, transfer = 0;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: placement.Add(r.ReadString()); break;
                    case 3: workers.Add(r.ReadString()); break;
                    case 4: blocks = r.ReadInt32s(); break;
                    case 5: bytes = r.ReadInt64s(); break;
                    case 6: step = r.ReadInt64(); break;
                    case 7: t = r.ReadDouble(); break;
                    case 8: barrier = r.ReadDouble(); break;
                    case 9: transfer = r.ReadDouble(); break;
                    default: r.SkipField(); break;
                }
            }
            if (bytes.Length != blocks.Length) throw new WireFormatException($"BlocksMoved lists {blocks.Length} blocks but {bytes.Length} sizes.");
            return new BlocksMoved(run, placement, workers, blocks, bytes, step, t, barrier, transfer);
        });
        registry.Register<MoveDeclined>(MoveDeclinedId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Reason);
        }, static (ref WireReader r, int _) =>
        {
            var (run, reason) = ClusterWire.TwoStrings(ref r);
            return new MoveDeclined(run, reason);
        });
        registry.Register<HandBlockOver>(HandBlockOverId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteInt32(2, m.Block);
            w.WriteInt64(3, m.Step);
            w.WriteActorRef(4, m.Target);
            w.WriteActorRef(5, m.ReplyTo);
        }, static (ref WireReader r, int _) =>
        {
            string run = "";
            int block = 0;
            long step = 0;
            IActorRef? target = null, replyTo = null;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: block = r.ReadInt32(); break;
                    case 3: step = r.ReadInt64(); break;
                    case 4: target = r.ReadActorRef(); break;
                    case 5: replyTo = r.ReadActorRef(); break;
                    default: r.SkipField(); break;
                }
            }
            if (target is null || replyTo is null) throw new WireFormatException("HandBlockOver needs the target and the reply-to actor.");
            return new HandBlockOver(run, block, step, target, replyTo);
        });
    }
}
