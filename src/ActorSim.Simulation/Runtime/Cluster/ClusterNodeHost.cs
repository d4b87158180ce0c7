using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Simulation.Models;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// A running cluster node (what <c>actorsim node</c> runs): an actor system joined to the cluster with the
/// simulation's wire contracts, and a <see cref="NodeActor"/> at <see cref="NodeActor.Path"/> that takes runs when
/// the node leads and hosts blocks when it is a worker. Dispose to leave the cluster in an orderly way.
/// </summary>
public sealed class ClusterNodeHost : IAsyncDisposable
{
    private int _disposed;

    private IClusterTransport? _transport;

    private IActorRef? _nodeActor;

    /// <summary>
    /// Before leaving on purpose: the blocks this node hosts move to other nodes at the runs' next step (each run
    /// checkpoints there and goes on without this node, no step repeated); returns once they are released, or after
    /// <paramref name="timeout"/> (then the runs recover from their last checkpoint after the node left).
    /// </summary>
    public async Task<BlocksHandedOver?> HandOverAsync(TimeSpan timeout)
    {
        if (_nodeActor is null) return null;
        try
        {
            return await _nodeActor.Ask<BlocksHandedOver>(new HandOverBlocks(), timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private ClusterNodeHost(ActorSystem system, ClusterNode node, NodeInfo info)
    {
        System = system;
        Node = node;
        Info = info;
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's cluster membership.</summary>
    public ClusterNode Node { get; }

    /// <summary>What the node tells the leader about itself.</summary>
    public NodeInfo Info { get; }

    /// <summary>Starts a node with settings from a config file (<see cref="ClusterSettingsLoader"/>) on the Akka.NET cluster.</summary>
    public static Task<ClusterNodeHost> StartAsync(ClusterSettings settings, ILoggerFactory? logs = null, CancellationToken cancellationToken = default) =>
        StartAsync(settings.NodeOptions(settings.NodeName, settings.IsCoordinatorCandidate), settings.Roles, settings.CheckpointDirectory,
            settings.CreateTransport(), logs, null, cancellationToken, new RunDriving(settings, logs), settings.GatherTreeBlocks,
            settings.GatherTreeTimeout);

    /// <summary>Completes when the node's cluster endpoint stopped on its own (the cluster removed the node); never for other transports.</summary>
    public Task Removed => _transport is Actors.Fabric.AkkaClusterTransport akka ? akka.Terminated : new TaskCompletionSource().Task;

    /// <summary>Why the cluster removed the node, once <see cref="Removed"/> completed.</summary>
    public string? RemovedReason => (_transport as Actors.Fabric.AkkaClusterTransport)?.DownedReason;

    /// <summary>Starts a node.</summary>
    /// <param name="options">Cluster id, node id, secret, timings; <see cref="ClusterOptions.LeaderCandidate"/> should match the coordinator role.</param>
    /// <param name="roles">The node's roles (<see cref="NodeRoles"/>).</param>
    /// <param name="checkpointDirectory">Created if missing; must be writable.</param>
    /// <param name="transport">The transport (owned by the node from now on).</param>
    /// <param name="logs">Logging; default none.</param>
    /// <param name="models">The models the node can run; default <see cref="ModelCatalog.All"/>.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <param name="driving">Drives runs handed to the cluster (<c>run --detach</c>) in this process; null: the node refuses them.</param>
    /// <param name="gatherTreeBlocks">Runs this node leads with at least this many particle blocks gather over a tree of the
    /// worker nodes (<see cref="ClusterSettings.GatherTreeBlocks"/>); 0: never.</param>
    /// <param name="gatherTreeTimeout">How long such a tree's root waits for a round (default 10 minutes).</param>
    /// <exception cref="ClusterConfigurationException">Invalid settings, an unusable checkpoint directory, or no connection.</exception>
    public static async Task<ClusterNodeHost> StartAsync(ClusterOptions options, IReadOnlyList<string> roles, string checkpointDirectory,
        IClusterTransport transport, ILoggerFactory? logs = null, IReadOnlyList<IModelDefinition>? models = null, CancellationToken cancellationToken = default,
        RunDriving? driving = null, int gatherTreeBlocks = 0, TimeSpan? gatherTreeTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(roles);
        try
        {
            CheckCheckpointDirectory(checkpointDirectory, options.NodeId);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var info = new NodeInfo(options.NodeId, roles.ToArray(), Environment.ProcessorCount, RunRecord.Version, checkpointDirectory)
        {
            GatherTreeBlocks = gatherTreeBlocks,
            GatherTreeTimeoutSeconds = (gatherTreeTimeout ?? TimeSpan.FromSeconds(ClusterSettings.DefaultGatherTreeTimeoutSeconds)).TotalSeconds,
        };
        var system = ActorRuntime.CreateLocal("actorsim-node", logs);
        ClusterNode node;
        try
        {
            node = await ClusterNode.StartAsync(system, options, transport, SimulationWire.CreateRegistry(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await system.ShutdownAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            throw;
        }
        var nodeActor = system.ActorOf(NodeActor.CreateProps(info, models, driving), NodeActor.Name);
        return new ClusterNodeHost(system, node, info) { _transport = transport, _nodeActor = nodeActor };
    }

    /// <summary>Creates the directory if needed and checks that a file can be written there.</summary>
    /// <exception cref="ClusterConfigurationException">It cannot be created or written.</exception>
    public static void CheckCheckpointDirectory(string directory, string nodeId)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-test-{nodeId}-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ClusterConfigurationException($"The checkpoint directory '{directory}' cannot be used by node '{nodeId}': {ex.Message}", ex);
        }
    }

    /// <summary>Leaves the cluster (orderly: the others see the node leave at once) and stops the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await Node.DisposeAsync().ConfigureAwait(false);
        await System.ShutdownAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }
}
