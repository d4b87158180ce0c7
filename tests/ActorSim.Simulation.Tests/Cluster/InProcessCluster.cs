using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.InProcess;
using ActorSim.Simulation.Runtime.Cluster;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// Cluster nodes (<see cref="ClusterNodeHost"/>) in the test process, joined through an <see cref="InProcessNetwork"/>:
/// the same frames, signing, membership and protocol as over RabbitMQ, without a broker.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    public static readonly ClusterSecret Secret = ClusterSecret.FromString("in-process-cluster-secret-0123456789");

    private readonly string _checkpoints = Directory.CreateTempSubdirectory("actorsim-ckpt-").FullName;

    public InProcessNetwork Network { get; } = new();
    public string ClusterId { get; } = "sim-" + Guid.NewGuid().ToString("N")[..8];
    public List<ClusterNodeHost> Nodes { get; } = new();

    /// <param name="nodeLocal">Each node gets a checkpoint directory of its own (<see cref="CheckpointDirectoryOf"/>) instead of one shared by all.</param>
    /// <param name="gatherTreeBlocks">Every node's <c>gather_tree_blocks</c> (runs it leads gather over a tree of the nodes); 0: off.</param>
    public static async Task<InProcessCluster> StartAsync(int nodes, IReadOnlyList<string>? roles = null, bool nodeLocal = false, int gatherTreeBlocks = 0)
    {
        var cluster = new InProcessCluster { NodeLocal = nodeLocal, GatherTreeBlocks = gatherTreeBlocks };
        for (int i = 1; i <= nodes; i++) await cluster.AddNodeAsync($"node-{i}", roles ?? NodeRoles.All);
        return cluster;
    }

    /// <summary>Each node has a checkpoint directory of its own.</summary>
    public bool NodeLocal { get; private init; }

    /// <summary>Every node's <c>gather_tree_blocks</c>.</summary>
    public int GatherTreeBlocks { get; private init; }

    /// <summary>The checkpoint directory of node <paramref name="name"/>.</summary>
    public string CheckpointDirectoryOf(string name) => NodeLocal ? Path.Combine(_checkpoints, name) : _checkpoints;

    public async Task<ClusterNodeHost> AddNodeAsync(string name, IReadOnlyList<string> roles)
    {
        var options = new ClusterOptions(ClusterId, name, Secret) { LeaderCandidate = roles.Contains(NodeRoles.Coordinator) };
        var host = await ClusterNodeHost.StartAsync(options, roles, CheckpointDirectoryOf(name), Network.CreateTransport(), models: HeatDefinition.Catalog,
            gatherTreeBlocks: GatherTreeBlocks);
        Nodes.Add(host);
        return host;
    }

    public ClusterNodeHost Node(string name) => Nodes.Single(n => n.Info.NodeId == name);

    public ClusterRunOptions RunOptions(string outputDirectory, int minWorkers) =>
        new(outputDirectory, ClusterId, Secret, () => Network.CreateTransport())
        {
            MinWorkers = minWorkers, SubmitTimeout = TimeSpan.FromSeconds(20), NodeLocalCheckpoints = NodeLocal,
        };

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        try { Directory.Delete(_checkpoints, recursive: true); } catch (IOException) { }
    }
}
