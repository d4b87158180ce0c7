using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// <c>actorsim node</c> processes forming one cluster (a unique cluster id per instance), started in parallel and
/// waited for until each prints its "joined cluster" line. <see cref="StopAsync"/> sends SIGTERM and checks that each
/// node left cleanly; disposing kills whatever still runs.
/// </summary>
internal sealed class NodeProcesses : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private NodeProcesses(string configFile, IReadOnlyDictionary<string, string> environment, List<LiveProcess> nodes)
    {
        ConfigFile = configFile;
        Environment = environment;
        Nodes = nodes;
    }

    public string ConfigFile { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }
    public List<LiveProcess> Nodes { get; }

    public LiveProcess this[string name] => Nodes.Single(n => n.Name == name);

    /// <summary>
    /// A cluster config (a fresh cluster id with <paramref name="prefix"/>, heartbeat 250 ms, seed nodes filled in by
    /// <see cref="StartAsync"/>) and the environment a node or submitter needs (the cluster secret).
    /// </summary>
    public static (JsonObject Config, Dictionary<string, string> Environment) Setup(string prefix, string checkpointDirectory, string secret, int failureTimeoutMs)
    {
        var config = new JsonObject
        {
            ["cluster"] = prefix + "-" + Guid.NewGuid().ToString("N")[..8],
            ["checkpoint_dir"] = checkpointDirectory,
            ["heartbeat_ms"] = 250,
            ["failure_timeout_ms"] = failureTimeoutMs,
            ["submit_timeout_s"] = 60,
            // No load-balancing moves unless a test asks (--balance-threshold): on a loaded 2-core machine the node that
            // also coordinates can look slow enough to be relieved of a block, which would add epochs the tests count.
            ["balance_threshold"] = 0,
        };
        var environment = new Dictionary<string, string> { ["ACTORSIM_CLUSTER_SECRET"] = secret };
        return (config, environment);
    }

    /// <summary>
    /// Writes a config for <paramref name="config"/>'s cluster and starts nodes node-1..node-N, each on a port of its own
    /// (in namespaces, if given: on the namespace's address), every node a seed; node-1 founds the cluster.
    /// <paramref name="environmentOf"/>, if given, is each node's environment (by name) instead of <paramref name="environment"/>.
    /// </summary>
    public static async Task<NodeProcesses> StartAsync(string directory, JsonObject config, IReadOnlyDictionary<string, string> environment, int count,
        IReadOnlyList<string>? namespaces = null, IReadOnlyList<string>? hosts = null, Func<string, IReadOnlyDictionary<string, string>>? environmentOf = null,
        int? startNow = null)
    {
        var ports = Enumerable.Range(0, count).Select(_ => hosts is null ? ActorSim.Actors.Tests.Fabric.FabricTestNodes.FreePort() : 4053).ToArray();
        var addresses = Enumerable.Range(0, count).Select(i => (hosts?[i] ?? "127.0.0.1") + ":" + ports[i]).ToArray();
        config["seed_nodes"] = new JsonArray(addresses.Select(a => (JsonNode?)a).ToArray());
        var configFile = Path.Combine(directory, $"cluster-{Guid.NewGuid():N}.json");
        File.WriteAllText(configFile, config.ToJsonString());
        var nodes = new List<LiveProcess>();
        var cluster = new NodeProcesses(configFile, environment, nodes) { Ports = ports, Hosts = hosts };
        try
        {
            for (int i = 1; i <= (startNow ?? count); i++)
                nodes.Add(LiveProcess.Actorsim($"node-{i}", cluster.NodeArguments($"node-{i}"), environmentOf?.Invoke($"node-{i}") ?? environment, directory, namespaces?[i - 1]));
            await Task.WhenAll(nodes.Select(n => n.WaitForLineAsync(l => l.Contains("joined cluster"), StartTimeout)));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts node <paramref name="name"/> (one of the seeds <see cref="StartAsync"/> left for later) and waits until it joined.</summary>
    public async Task<LiveProcess> StartNodeAsync(string name)
    {
        var node = LiveProcess.Actorsim(name, NodeArguments(name), Environment, Path.GetDirectoryName(ConfigFile)!);
        Nodes.Add(node);
        await node.WaitForLineAsync(l => l.Contains("joined cluster"), StartTimeout);
        return node;
    }

    private int[] Ports { get; init; } = [];

    private IReadOnlyList<string>? Hosts { get; init; }

    /// <summary>The command line of node <paramref name="name"/> (node-I): its name, host and port.</summary>
    public string[] NodeArguments(string name)
    {
        int i = int.Parse(name["node-".Length..]) - 1;
        return ["node", "--config", ConfigFile, "--name", name, "--port", Ports[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. Hosts is null ? Array.Empty<string>() : ["--host", Hosts[i]]];
    }

    /// <summary>SIGTERM to every live node; each must exit 0 after printing that it left. A node the cluster removed
    /// (frozen too long) must have said so and exited by itself.</summary>
    public async Task StopAsync()
    {
        foreach (var removed in Nodes.Where(n => n.HasExited))
            Assert.True(removed.StdErr.Contains("the cluster removed this node", StringComparison.Ordinal), $"{removed.Name} exited on its own{System.Environment.NewLine}{removed.Describe()}");
        var live = Nodes.Where(n => !n.HasExited).ToArray();
        foreach (var n in live) n.Terminate();
        foreach (var n in live)
        {
            int code = await n.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(code == 0, $"{n.Name} exited with {code} after SIGTERM{System.Environment.NewLine}{n.Describe()}");
            Assert.Contains($"actorsim node '{n.Name}' left", n.StdOut);
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var n in Nodes) n.Dispose();
        return ValueTask.CompletedTask;
    }
}
