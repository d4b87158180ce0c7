using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Where the coordinator steps the run: when every block sits on one node (<see cref="BlockPlacement.SteppingNode"/>),
/// the coordinator is started there, beside the blocks (by their host, <see cref="StartCoordinator"/>), so the stage
/// rounds never cross the network and the run spans that node alone; its rows and fields go from there straight to the
/// submitter's writer. This actor stays the run's control on the leader: it accepted the run, watches the membership,
/// passes <see cref="StopRun"/> on (to the host, which hands it to the coordinator), gets the progress and the end
/// of the run from the host, and releases the blocks, and with them the coordinator, at the end. A node lost with the
/// blocks is lost with the coordinator: the same recoverable failure as any node holding blocks.
/// </summary>
internal sealed partial class ClusterRunActor
{
    private readonly Dictionary<string, IActorRef> _hostOf = new(StringComparer.Ordinal);

    /// <summary>The node whose coordinator steps this run (the leader itself when the blocks are spread or there are none).</summary>
    private string SteppingNode => BlockPlacement.SteppingNode(_placement) ?? _self.NodeId;

    private void HostCreated(BlocksCreated created) => _hostOf[created.NodeId] = created.Host;

    /// <summary>Starts the coordinator beside the blocks when they all sit on one node; false: it runs here, as the run actor's child.</summary>
    private bool StartBesideBlocks(BeginRun begin)
    {
        // Node-local checkpoints keep the coordinator here: its manifests are committed to every node from this actor.
        if (NodeLocal) return false;
        if (BlockPlacement.SteppingNode(_placement) is not { } node || !_hostOf.TryGetValue(node, out var host)) return false;
        host.Tell(new StartCoordinator(RunId, begin.Writer, _submit.CheckpointDirectory, _resume?.Folder ?? "") { Epoch = Epoch }, Self);
        _coordinator = host; // StopRun goes to the host, which hands it to the coordinator
        _phase = Phase.Running;
        MonitorStarted(); // monitoring
        Log.LogInformation("Run {Run} epoch {Epoch} started (coordinator beside its blocks on node '{Node}'){From}", RunId, Epoch, node,
            _resume is null ? "" : $" from the checkpoint at step {_resume.Manifest.Step}, t = {_resume.Manifest.T}");
        return true;
    }
}
