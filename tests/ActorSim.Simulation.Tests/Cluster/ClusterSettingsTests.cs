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
        File.WriteAllText(_dir.File("tls.password"), "tls-pw\n");
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
          "seed_nodes": ["seed-a.example:4053", "10.0.0.2:4060"],
          "host": "10.0.0.5",
          "port": 4061,
          "unreachable_after_ms": 3000,
          "down_after_ms": 4000,
          "secret_file": "cluster.secret",
          "node_name": "file-node",
          "roles": ["worker"],
          "checkpoint_dir": "ckpt",
          "heartbeat_ms": 100,
          "failure_timeout_ms": 2000,
          "submit_timeout_s": 7,
          "gather_tree_blocks": 48
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
        Assert.Equal(["seed-a.example:4053", "10.0.0.2:4060"], s.Fabric.SeedNodes);
        Assert.Equal(("10.0.0.5", 4061), (s.Fabric.Host, s.Fabric.Port));
        Assert.Equal(TimeSpan.FromSeconds(3), s.Fabric.AcceptableHeartbeatPause);
        Assert.Equal(TimeSpan.FromSeconds(4), s.Fabric.StableAfter);
        Assert.Null(s.Fabric.Tls);
        Assert.Equal(TimeSpan.FromMilliseconds(100), s.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), s.FailureTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), s.SubmitTimeout);
        Assert.Equal(48, s.GatherTreeBlocks);
        var options = s.NodeOptions(s.NodeName, s.IsCoordinatorCandidate);
        Assert.False(options.LeaderCandidate);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.HeartbeatInterval);
        Assert.DoesNotContain("file-secret", s.ToString());
    }

    [Fact]
    public void Flags_beat_environment_which_beats_the_file()
    {
        var file = Config(Full);
        _env["ACTORSIM_NODE_NAME"] = "env-node";
        _env["ACTORSIM_NODE_ROLES"] = "coordinator,worker";
        _env["ACTORSIM_CLUSTER"] = "env-cluster";
        _env["ACTORSIM_PORT"] = "5000";
        var s = Load(file, new() { ["node_name"] = "flag-node", ["cluster"] = null, ["seed_nodes"] = "127.0.0.1:1,127.0.0.1:2" });
        Assert.Equal("flag-node", s.NodeName);           // flag
        Assert.Equal("env-cluster", s.ClusterId);        // env (the flag was not given)
        Assert.Equal(["coordinator", "worker"], s.Roles); // env
        Assert.Equal(5000, s.Fabric.Port);                // env beats the file
        Assert.Equal(["127.0.0.1:1", "127.0.0.1:2"], s.Fabric.SeedNodes); // flag
        Assert.Equal(_dir.File("ckpt"), s.CheckpointDirectory); // file
    }

    [Fact]
    public void Checkpoint_storage_is_shared_by_default_node_local_on_request_and_anything_else_is_refused()
    {
        _env["ACTORSIM_CLUSTER_SECRET"] = "env-secret-0123456789abcdef";
        Assert.Equal(ClusterSettings.SharedStorage, Load(Config("""{ "cluster": "lab" }""")).CheckpointStorage);
        var local = Load(Config("""{ "cluster": "lab", "checkpoint_storage": "node-local" }"""));
        Assert.Equal(ClusterSettings.NodeLocalStorage, local.CheckpointStorage);
        Assert.True(ClusterRunOptions.From(local, _dir.File("out")).NodeLocalCheckpoints);
        _env["ACTORSIM_CHECKPOINT_STORAGE"] = "shared";
        Assert.False(ClusterRunOptions.From(Load(Config("""{ "cluster": "lab", "checkpoint_storage": "node-local" }""")), _dir.File("out")).NodeLocalCheckpoints);
        _env.Remove("ACTORSIM_CHECKPOINT_STORAGE");
        var error = Assert.Throws<ClusterConfigurationException>(() => Load(Config("""{ "cluster": "lab", "checkpoint_storage": "nfs" }""")));
        Assert.Contains("checkpoint_storage", error.Message);
        Assert.Contains("'nfs' is not a checkpoint storage; use 'shared'", error.Message);
        Assert.Contains("'node-local'", error.Message);
    }

    [Fact]
    public void The_gather_tree_is_off_by_default_and_the_environment_turns_it_on()
    {
        _env["ACTORSIM_CLUSTER_SECRET"] = "env-secret-0123456789abcdef";
        var defaults = Load(Config("""{ "cluster": "lab" }"""));
        Assert.Equal((0, TimeSpan.FromMinutes(10)), (defaults.GatherTreeBlocks, defaults.GatherTreeTimeout));
        Assert.Equal(TimeSpan.FromSeconds(2.5), Load(Config("""{ "cluster": "lab", "gather_tree_timeout_s": 2.5 }""")).GatherTreeTimeout);
        Assert.Contains("gather_tree_timeout_s: '0' is not a number >= 0.1",
            Assert.Throws<ClusterConfigurationException>(() => Load(Config("""{ "cluster": "lab", "gather_tree_timeout_s": 0 }"""))).Message);
        _env["ACTORSIM_GATHER_TREE_BLOCKS"] = "12";
        Assert.Equal(12, Load(Config("""{ "cluster": "lab", "gather_tree_blocks": 64 }""")).GatherTreeBlocks);
        _env["ACTORSIM_GATHER_TREE_BLOCKS"] = "-1";
        Assert.Contains("ACTORSIM_GATHER_TREE_BLOCKS: '-1' is not a number >= 0",
            Assert.Throws<ClusterConfigurationException>(() => Load(Config("""{ "cluster": "lab" }"""))).Message);
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
    public void There_is_no_default_secret_and_the_defaults_are_a_loopback_seed()
    {
        var file = Config("""{ "cluster": "lab" }""");
        var error = Assert.Throws<ClusterConfigurationException>(() => Load(file));
        Assert.Contains("No cluster secret", error.Message);
        Assert.Contains("1 problem", error.Message);
        _env["ACTORSIM_CLUSTER_SECRET"] = "env-secret-0123456789abcdef";
        var s = Load(file);
        Assert.Equal(["127.0.0.1:4053"], s.Fabric.SeedNodes);
        Assert.Equal(("127.0.0.1", 4053), (s.Fabric.Host, s.Fabric.Port));
    }

    [Fact]
    public void Tls_settings_name_the_files_and_read_the_password_file()
    {
        File.WriteAllText(_dir.File("node.pfx"), "x");
        File.WriteAllText(_dir.File("ca.pem"), "x");
        var file = Config("""
            { "secret": "0123456789abcdef0123", "tls_certificate": "node.pfx", "tls_ca": "ca.pem", "tls_password_file": "tls.password" }
            """);
        var s = Load(file);
        Assert.Equal(new Actors.Fabric.TlsSettings(_dir.File("node.pfx"), "tls-pw", _dir.File("ca.pem")), s.Fabric.Tls);
        Assert.DoesNotContain("tls-pw", s.ToString());
        Assert.Contains("mutual TLS", s.ToString());
    }

    [Fact]
    public void A_hocon_config_gives_the_same_settings_as_json()
    {
        var path = _dir.File("cluster.conf");
        File.WriteAllText(path, """
            # HOCON: comments, dashes in keys
            actorsim {
              cluster = "lab"
              seed-nodes = ["127.0.0.1:4100", "127.0.0.1:4101"]
              port = 4100
              secret = "0123456789abcdef0123"
              roles = [worker]
              heartbeat-ms = 100
            }
            """);
        var s = Load(path);
        Assert.Equal("lab", s.ClusterId);
        Assert.Equal(["127.0.0.1:4100", "127.0.0.1:4101"], s.Fabric.SeedNodes);
        Assert.Equal(4100, s.Fabric.Port);
        Assert.Equal(["worker"], s.Roles);
        Assert.Equal(TimeSpan.FromMilliseconds(100), s.HeartbeatInterval);
        File.WriteAllText(path, "cluster = lab");
        Assert.Contains("no actorsim { … } block", Assert.Throws<ClusterConfigurationException>(() => Load(path)).Message);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_key()
    {
        var file = Config("""
            { "clustr": "x", "node_name": "bad name!", "roles": ["worker", "boss"], "heartbeat_ms": "fast",
              "seed_nodes": ["no-port"], "port": 99999, "secret": "short", "balance_threshold": 0.5,
              "gather_tree_blocks": 2.5 }
            """);
        var error = Assert.Throws<ClusterConfigurationException>(() => Load(file));
        Assert.Contains("unknown key \"clustr\"", error.Message);
        Assert.Contains("'bad name!' is not a valid id", error.Message);
        Assert.Contains("unknown: boss", error.Message);
        Assert.Contains("heartbeat_ms: 'fast' is not a number", error.Message);
        Assert.Contains("seed node \"no-port\" is not host:port", error.Message);
        Assert.Contains("port: 99999 is not a TCP port", error.Message);
        Assert.Contains("at least 16 are required", error.Message);
        Assert.Contains("balance_threshold (0.5) must be 0 (no load balancing) or at least 1", error.Message);
        Assert.Contains("gather_tree_blocks (2.5) must be a whole number of blocks", error.Message);
    }

    [Fact]
    public void The_shipped_example_configs_load()
    {
        _env["ACTORSIM_CLUSTER_SECRET"] = "example-secret-0123456789abcdef";
        _env["HOSTNAME"] = "container-1";
        foreach (var name in new[] { "local-3-nodes.conf", "docker.conf" })
        {
            var s = Load(Path.Combine(RepoRoot.Path, "cluster-config", name));
            Assert.False(string.IsNullOrEmpty(s.ClusterId));
        }
    }
}
