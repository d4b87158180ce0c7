using ActorSim.Actors.Remote;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Tests.Output;

namespace ActorSim.Simulation.Tests.Cluster;

public sealed class ClusterSettingsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _env = new();

    public void Dispose() => _dir.Dispose();

    private string Config(string json)
    {
        var path = _dir.File("cluster.json");
        File.WriteAllText(path, json);
        File.WriteAllText(_dir.File("broker.password"), "broker-pw\n");
        File.WriteAllText(_dir.File("cluster.secret"), "file-secret-0123456789abcdef\n");
        return path;
    }

    private ClusterSettings Load(string? file, Dictionary<string, string?>? flags = null) =>
        ClusterSettingsLoader.Load(file, flags, name => _env.GetValueOrDefault(name));

    private const string Full = """
        {
          // comments are allowed
          "description": "test cluster",
          "cluster": "lab",
          "broker_url": "amqp://sim@broker.example:5673/sims",
          "broker_password_file": "broker.password",
          "secret_file": "cluster.secret",
          "node_name": "file-node",
          "roles": ["worker"],
          "checkpoint_dir": "ckpt",
          "heartbeat_ms": 100,
          "failure_timeout_ms": 2000,
          "submit_timeout_s": 7
        }
        """;

    [Fact]
    public void A_config_file_sets_everything_relative_paths_from_its_folder()
    {
        var s = Load(Config(Full));
        Assert.Equal("lab", s.ClusterId);
        Assert.Equal("file-node", s.NodeName);
        Assert.Equal(["worker"], s.Roles);
        Assert.False(s.IsCoordinatorCandidate);
        Assert.Equal(_dir.File("ckpt"), s.CheckpointDirectory);
        Assert.Equal(("broker.example", 5673, "sims", "sim", "broker-pw", false), (s.Broker.HostName, s.Broker.Port, s.Broker.VirtualHost, s.Broker.UserName, s.Broker.Password, s.Broker.Tls));
        Assert.Equal("amqp://sim@broker.example:5673/sims", s.BrokerUrl);
        Assert.Equal(TimeSpan.FromMilliseconds(100), s.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), s.FailureTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), s.SubmitTimeout);
        var options = s.NodeOptions(s.NodeName, s.IsCoordinatorCandidate);
        Assert.False(options.LeaderCandidate);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.HeartbeatInterval);
        Assert.DoesNotContain("broker-pw", s.ToString());
    }

    [Fact]
    public void Flags_beat_environment_which_beats_the_file()
    {
        var file = Config(Full);
        _env["ACTORSIM_NODE_NAME"] = "env-node";
        _env["ACTORSIM_NODE_ROLES"] = "coordinator,worker";
        _env["ACTORSIM_CLUSTER"] = "env-cluster";
        _env["ACTORSIM_BROKER_PASSWORD"] = "env-pw";
        var s = Load(file, new() { ["node_name"] = "flag-node", ["cluster"] = null });
        Assert.Equal("flag-node", s.NodeName);           // flag
        Assert.Equal("env-cluster", s.ClusterId);        // env (the flag was not given)
        Assert.Equal(["coordinator", "worker"], s.Roles); // env
        Assert.Equal("env-pw", s.Broker.Password);       // env password beats the file
        Assert.Equal(_dir.File("ckpt"), s.CheckpointDirectory); // file
    }

    [Fact]
    public void The_secret_comes_from_the_environment_before_the_secret_file()
    {
        var file = Config(Full);
        var fromFile = Load(file).Secret;
        _env["ACTORSIM_CLUSTER_SECRET"] = "env-secret-0123456789abcdef";
        var fromEnv = Load(file).Secret;
        Span<byte> a = stackalloc byte[32], b = stackalloc byte[32], c = stackalloc byte[32];
        fromFile.ComputeMac("x"u8, a);
        fromEnv.ComputeMac("x"u8, b);
        ClusterSecret.FromString("file-secret-0123456789abcdef").ComputeMac("x"u8, c);
        Assert.True(a.SequenceEqual(c));
        Assert.False(a.SequenceEqual(b));
    }

    [Fact]
    public void There_is_no_default_secret_and_no_default_password()
    {
        var file = Config("""{ "cluster": "lab" }""");
        var error = Assert.Throws<ClusterConfigurationException>(() => Load(file));
        Assert.Contains("No cluster secret", error.Message);
        Assert.Contains("no broker password", error.Message);
        Assert.Contains("2 problems", error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_key()
    {
        var file = Config("""
            { "clustr": "x", "node_name": "bad name!", "roles": ["worker", "boss"], "heartbeat_ms": "fast",
              "broker_url": "http://example", "secret": "short" }
            """);
        var error = Assert.Throws<ClusterConfigurationException>(() => Load(file));
        Assert.Contains("unknown key \"clustr\"", error.Message);
        Assert.Contains("'bad name!' is not a valid id", error.Message);
        Assert.Contains("unknown: boss", error.Message);
        Assert.Contains("heartbeat_ms: 'fast' is not a number", error.Message);
        Assert.Contains("'http://example' is not a broker URL", error.Message);
        Assert.Contains("at least 16 are required", error.Message);
    }

    [Theory]
    [InlineData("amqp://u@h/v", "h", 5672, "v", false)]
    [InlineData("amqps://u@broker.lan/v", "broker.lan", 5671, "v", true)]
    [InlineData("amqp://u@10.0.0.1:1234", "10.0.0.1", 1234, "/", false)]
    [InlineData("amqp://u@h:5672/a%2Fb", "h", 5672, "a/b", false)]
    public void Broker_urls_give_host_port_vhost_and_tls(string url, string host, int port, string vhost, bool tls)
    {
        Assert.True(ClusterSettingsLoader.TryParseBrokerUrl(url, out var o, out _, out var error), error);
        Assert.Equal((host, port, vhost, "u", tls), (o.HostName, o.Port, o.VirtualHost, o.UserName, o.Tls));
    }

    [Fact]
    public void The_guest_user_and_urls_without_a_user_are_refused()
    {
        Assert.False(ClusterSettingsLoader.TryParseBrokerUrl("amqp://guest@h/v", out _, out _, out var e1));
        Assert.Contains("guest", e1);
        Assert.False(ClusterSettingsLoader.TryParseBrokerUrl("amqp://h/v", out _, out _, out var e2));
        Assert.Contains("no broker user", e2);
    }

    [Fact]
    public void The_shipped_example_configs_load()
    {
        _env["ACTORSIM_CLUSTER_SECRET"] = "example-secret-0123456789abcdef";
        _env["ACTORSIM_BROKER_PASSWORD"] = "pw";
        foreach (var name in new[] { "local-3-nodes.json", "docker.json", "multi-host.json" })
        {
            var s = Load(Path.Combine(RepoRoot.Path, "cluster-config", name));
            Assert.False(string.IsNullOrEmpty(s.ClusterId));
        }
    }
}
