using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorSim.Actors.Remote;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Planned moves of a cluster run's blocks (issue "Elastic cluster", item 1): a worker that joins during the run gets
/// blocks at the next step, and a node that leaves on purpose (SIGTERM) hands its blocks over at the next step before
/// it goes (<see cref="NodeLeaving"/>). The submitter asks the coordinator to stop at its next step with a checkpoint
/// (<see cref="StopRun"/> whose reason starts with <see cref="MoveReasonPrefix"/>: every coordinator checkpoints when it
/// stops), then submits the next epoch, which restores every block from that very checkpoint and places the blocks over
/// every worker, the new one included, the leaving one excluded. No step is computed twice; the results stay bit-identical (the same blocks, the
/// same state, whatever the nodes). run.json <c>moves</c> says which blocks moved where, why, and how long it took.
/// </summary>
public static partial class ClusterRunner
{
    /// <summary>The start of the reason of a <see cref="StopRun"/> that moves blocks (the run goes on in its next epoch).</summary>
    public const string MoveReasonPrefix = "moving blocks: ";

    /// <summary>True when a run stopped with <paramref name="reason"/> to move its blocks, not to end.</summary>
    public static bool IsMove(string? reason) => reason is not null && reason.StartsWith(MoveReasonPrefix, StringComparison.Ordinal);

    /// <summary>A joined member answered as a simulation worker of this version (so the next placement would give it blocks).</summary>
    private sealed record WorkerJoined(string NodeId);

    /// <summary>Asks a member that just joined what it is; a worker of the submitter's version is reported on <paramref name="events"/>.</summary>
    private static void CheckJoined(ClusterNode node, string nodeId, System.Threading.Channels.ChannelWriter<object> events)
    {
        _ = Task.Run(async () =>
        {
            // Its node actor may still be starting: a few tries.
            for (int attempt = 0; attempt < 5; attempt++)
            {
                try
                {
                    var info = await node.ActorFor(nodeId, NodeActor.Path).Ask<NodeInfo>(new NodeInfoRequest(), TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                    if (info.IsWorker && info.Version == RunRecord.Version) events.TryWrite(new WorkerJoined(nodeId));
                    return;
                }
                catch (Exception e) when (e is AskTimeoutException or InvalidOperationException)
                {
                    await Task.Delay(500).ConfigureAwait(false);
                }
            }
        });
    }

    /// <summary>A move under way: asked for at a step, the epoch stopped with a checkpoint, the next one placed.</summary>
    /// <param name="before">The placement of the epoch the move ends (what <see cref="ToJson"/> compares with).</param>
    private sealed class PlannedMove(string why, string node, string text, IReadOnlyList<string> before)
    {
        public string Why { get; } = why;
        public string Node { get; } = node;
        public string Text { get; } = text;
        public long RequestedTimestamp { get; } = Stopwatch.GetTimestamp();
        public DateTime RequestedAt { get; } = DateTime.UtcNow;
        public double BarrierS { get; set; }

        /// <summary>Nodes that get no blocks of the next epoch (a leaving node).</summary>
        public List<string> Exclude { get; } = new();

        /// <summary>The placement asked for (a load-balancing move), or null: the leader's.</summary>
        public string[]? Placement { get; init; }

        /// <summary>Asked of the run actor as a live move (only the moved blocks' states travel, within the epoch); false once
        /// it declined: the epoch stops with a checkpoint and the next one places the blocks.</summary>
        public bool Live { get; set; }

        /// <summary>More for run.json (what the load balancer measured).</summary>
        public JsonObject Details { get; } = new();
        public long Step { get; set; }
        public double T { get; set; }

        /// <summary>run.json's entry once the next epoch is placed: which blocks moved from where to where.</summary>
        public JsonObject ToJson(RunAccepted accepted, int epoch)
        {
            var moved = new JsonArray();
            var sizes = accepted.Resume?.BlockBytes ?? [];
            long bytes = 0;
            for (int b = 0; b < accepted.Placement.Count; b++)
                if (b >= before.Count || before[b] != accepted.Placement[b])
                {
                    moved.Add(new JsonObject { ["block"] = b, ["from"] = b < before.Count ? before[b] : null, ["to"] = accepted.Placement[b],
                        ["bytes"] = b < sizes.Count ? sizes[b] : null });
                    if (b < sizes.Count) bytes += sizes[b];
                }
            var entry = Common(epoch);
            foreach (var (key, value) in new JsonObject
            {
                ["step"] = Step,
                ["t"] = T,
                ["resumed_from_step"] = accepted.Resume?.Step ?? 0,
                ["steps_recomputed"] = Math.Max(0, Step - (accepted.Resume?.Step ?? 0)),
                ["barrier_s"] = Math.Round(BarrierS, 3),
                ["moved_s"] = Math.Round(Stopwatch.GetElapsedTime(RequestedTimestamp).TotalSeconds, 3),
                ["blocks_moved"] = moved,
                ["bytes_moved"] = sizes.Count == accepted.Placement.Count ? bytes : null,
                ["restored_from"] = accepted.RestoredFrom.Count == 0 ? null
                    : new JsonArray(accepted.RestoredFrom.Select(source => (JsonNode?)source).ToArray()),
                ["live"] = false,
            }) entry[key] = value?.DeepClone();
            foreach (var (key, value) in Details) entry[key] = value?.DeepClone();
            return entry;
        }

        /// <summary>The fields every entry has: which epoch, why, which node, what was asked for and when.</summary>
        private JsonObject Common(int epoch) => new()
        {
            ["epoch"] = epoch,
            ["why"] = Why,
            ["node"] = Node.Length > 0 ? Node : null,
            ["excluded"] = Exclude.Count == 0 ? null : new JsonArray(Exclude.Select(n => (JsonNode?)n).ToArray()),
            ["text"] = Text,
            ["requested_at"] = RequestedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };

        /// <summary>run.json's entry of a live move (ClusterRunActor.LiveMove.cs): the epoch goes on, only the moved blocks' states travelled.</summary>
        public JsonObject LiveJson(BlocksMoved moved, int epoch)
        {
            double movedS = Math.Round(Stopwatch.GetElapsedTime(RequestedTimestamp).TotalSeconds, 3);
            var blocks = new JsonArray();
            for (int i = 0; i < moved.Blocks.Length; i++)
            {
                int b = moved.Blocks[i];
                blocks.Add(new JsonObject { ["block"] = b, ["from"] = b < before.Count ? before[b] : null, ["to"] = moved.Placement[b], ["bytes"] = moved.Bytes[i] });
            }
            var entry = Common(epoch);
            foreach (var (key, value) in new JsonObject
            {
                ["live"] = true,
                ["step"] = moved.Step,
                ["t"] = moved.T,
                ["resumed_from_step"] = moved.Step,
                ["steps_recomputed"] = 0,
                ["barrier_s"] = Math.Round(moved.BarrierS, 3),
                ["transfer_s"] = Math.Round(moved.TransferS, 4),
                ["moved_s"] = movedS,
                ["running_again_s"] = movedS,
                ["blocks_moved"] = blocks,
                ["bytes_moved"] = moved.Bytes.Sum(),
            }) entry[key] = value?.DeepClone();
            foreach (var (key, value) in Details) entry[key] = value?.DeepClone();
            return entry;
        }
    }
}
