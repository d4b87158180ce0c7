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
    /// A cluster config for the test broker (a fresh cluster id with <paramref name="prefix"/>, heartbeat 250 ms) and the
    /// environment a node or submitter needs (broker password, cluster secret).
    /// </summary>
    public static (JsonObject Config, Dictionary<string, string> Environment) Setup(ActorSim.Actors.Tests.Remote.BrokerFixture broker, string prefix,
        string checkpointDirectory, string secret, int failureTimeoutMs)
    {
        var options = broker.Require();
        var config = new JsonObject
        {
            ["cluster"] = prefix + "-" + Guid.NewGuid().ToString("N")[..8],
            ["broker_url"] = $"amqp://{options.UserName}@127.0.0.1:{options.Port}/{options.VirtualHost}",
            ["checkpoint_dir"] = checkpointDirectory,
            ["heartbeat_ms"] = 250,
            ["failure_timeout_ms"] = failureTimeoutMs,
            ["submit_timeout_s"] = 60,
        };
        var environment = new Dictionary<string, string>
        {
            ["ACTORSIM_BROKER_PASSWORD"] = options.Password,
            ["ACTORSIM_CLUSTER_SECRET"] = secret,
        };
        return (config, environment);
    }

    /// <summary>Writes a config for <paramref name="clusterId"/> and starts nodes node-1..node-N (in namespaces, if given).</summary>
    public static async Task<NodeProcesses> StartAsync(string directory, JsonObject config, IReadOnlyDictionary<string, string> environment, int count,
        IReadOnlyList<string>? namespaces = null)
    {
        var configFile = Path.Combine(directory, $"cluster-{Guid.NewGuid():N}.json");
        File.WriteAllText(configFile, config.ToJsonString());
        var nodes = new List<LiveProcess>();
        var cluster = new NodeProcesses(configFile, environment, nodes);
        try
        {
            for (int i = 1; i <= count; i++)
                nodes.Add(LiveProcess.Actorsim($"node-{i}", ["node", "--config", configFile, "--name", $"node-{i}"], environment, directory, namespaces?[i - 1]));
            await Task.WhenAll(nodes.Select(n => n.WaitForLineAsync(l => l.Contains("joined cluster"), StartTimeout)));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>SIGTERM to every live node; each must exit 0 after printing that it left.</summary>
    public async Task StopAsync()
    {
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
