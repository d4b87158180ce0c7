using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>`actorsim node` and `run --cluster` without a cluster: settings errors, seed nodes that do not answer, and the shipped configs' consistency.</summary>
public sealed class NodeCommandTests : IDisposable
{
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private string Config(JsonObject config)
    {
        var path = _dir.File("cluster.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Fact]
    public void A_node_without_a_secret_does_not_start_and_says_why()
    {
        var config = Config(new JsonObject { ["cluster"] = "t", ["seed_nodes"] = new JsonArray("127.0.0.1:1") });
        var r = ActorsimProcess.Run(_dir.Path, "node", "--config", config, "--name", "n1");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("No cluster secret", r.StdErr);
    }

    [Fact]
    public void A_bad_flag_value_is_reported_with_its_flag()
    {
        var config = Config(new JsonObject { ["secret"] = "0123456789abcdef0123" });
        var r = ActorsimProcess.Run(_dir.Path, "node", "--config", config, "--roles", "worker,chef", "--seed-nodes", "nowhere", "--port", "70000");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--roles: roles must be one or both of coordinator, worker (unknown: chef)", r.StdErr);
        Assert.Contains("seed node \"nowhere\" is not host:port", r.StdErr);
        Assert.Contains("port: 70000 is not a TCP port", r.StdErr);
    }

    [Fact]
    public void Half_a_tls_setup_is_refused_naming_what_is_missing()
    {
        var config = Config(new JsonObject { ["secret"] = "0123456789abcdef0123", ["tls_ca"] = _dir.File("ca.pem") });
        var r = ActorsimProcess.Run(_dir.Path, "node", "--config", config);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("mutual TLS needs both tls_certificate", r.StdErr);
        Assert.Contains($"tls_ca: the file '{_dir.File("ca.pem")}' does not exist", r.StdErr);
    }

    [Fact]
    public void A_node_whose_seed_nodes_do_not_answer_exits_1_naming_them()
    {
        int port = ClosedPort();
        var config = Config(new JsonObject
        {
            ["secret"] = "0123456789abcdef0123",
            ["seed_nodes"] = new JsonArray($"127.0.0.1:{port}"),
            ["port"] = 0,
            ["checkpoint_dir"] = _dir.File("ckpt"),
            ["join_timeout_s"] = 4,
        });
        var r = ActorsimProcess.Run(_dir.Path, "node", "--config", config, "--name", "n1");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"could not join a cluster within 4 s through the seed nodes 127.0.0.1:{port}", r.StdErr);
        Assert.DoesNotContain("0123456789abcdef0123", r.StdErr + r.StdOut); // the secret is never printed
    }

    [Fact]
    public void A_run_submitted_to_seed_nodes_that_do_not_answer_fails_with_run_json()
    {
        int port = ClosedPort();
        var config = Config(new JsonObject
        {
            ["secret"] = "0123456789abcdef0123",
            ["seed_nodes"] = new JsonArray($"127.0.0.1:{port}"),
            ["join_timeout_s"] = 4,
        });
        var r = ActorsimProcess.Run(_dir.Path, "run", "scenarios/may-nowak-ode.json", "--cluster", config, "--out", "out");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("cannot join cluster 'actorsim'", r.StdErr);
        var run = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!;
        Assert.Equal("failed", (string?)run["status"]);
        Assert.Equal("cluster", (string?)run["runtime"]);
        Assert.Equal($"127.0.0.1:{port}", (string?)run["cluster"]!["seed_nodes"]);
    }

    [Fact]
    public void Run_cluster_options_are_checked_before_anything_starts()
    {
        var r = ActorsimProcess.Run(_dir.Path, "run", "scenarios/may-nowak-ode.json", "--cluster", _dir.File("missing.json"), "--out", "out");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("cannot read the cluster config", r.StdErr);
        var min = ActorsimProcess.Run(_dir.Path, "run", "scenarios/may-nowak-ode.json", "--cluster", _dir.File("missing.json"), "--out", "out", "--min-workers", "0");
        Assert.True(min.ExitCode == 2, min.ToString());
    }

    [Fact]
    public void The_shipped_configs_load()
    {
        foreach (var name in new[] { "local-3-nodes.conf", "multi-host.conf", "docker.conf" })
        {
            var file = Path.Combine(RepoRoot.Path, "cluster-config", name);
            var keys = Simulation.Runtime.Cluster.HoconSettings.Read(File.ReadAllText(file), file);
            Assert.All(keys, k => Assert.Contains(k.Key, Simulation.Runtime.Cluster.ClusterSettingsLoader.Keys));
        }
        var local = Simulation.Runtime.Cluster.ClusterSettingsLoader.Load(Path.Combine(RepoRoot.Path, "cluster-config", "local-3-nodes.conf"),
            environment: v => v == "ACTORSIM_CLUSTER_SECRET" ? "0123456789abcdef0123" : null);
        Assert.Equal("local-3", local.ClusterId);
        Assert.Equal(["127.0.0.1:4053", "127.0.0.1:4054", "127.0.0.1:4055"], local.Fabric.SeedNodes);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), local.Fabric.AcceptableHeartbeatPause);
    }

    [Fact]
    public void The_docker_example_wires_config_secrets_and_image_together()
    {
        var root = RepoRoot.Path;
        var file = Path.Combine(root, "cluster-config", "docker.conf");
        var config = Simulation.Runtime.Cluster.HoconSettings.Read(File.ReadAllText(file), file);
        var compose = File.ReadAllText(Path.Combine(root, "docker", "compose.yaml"));
        var dockerfile = File.ReadAllText(Path.Combine(root, "docker", "Dockerfile"));

        // The secret compose mounts is the file the config reads; there is no broker.
        Assert.Equal("/run/secrets/cluster_secret", (string?)config["secret_file"]);
        Assert.Contains("secrets: [cluster_secret]", compose);
        Assert.DoesNotContain("rabbitmq", compose);
        // The seed nodes are the two coordinator services, on the port the image exposes.
        Assert.Equal(["coordinator-a:4053", "coordinator-b:4053"], config["seed_nodes"]!.AsArray().Select(x => (string)x!));
        Assert.Contains("  coordinator-a:\n    <<: *node\n    hostname: coordinator-a\n", compose);
        Assert.Contains("  coordinator-b:\n    <<: *node\n    hostname: coordinator-b\n", compose);
        Assert.Contains("EXPOSE 4053", dockerfile);
        // The shared checkpoint volume is where the config puts checkpoints.
        Assert.Equal("/checkpoints", (string?)config["checkpoint_dir"]);
        Assert.Contains("- checkpoints:/checkpoints", compose);
        // The image carries the config where its default command and the submit examples look for it.
        Assert.Contains("COPY cluster-config/docker.conf /etc/actorsim/cluster.conf", dockerfile);
        Assert.Contains("CMD [\"node\", \"--config\", \"/etc/actorsim/cluster.conf\"]", dockerfile);
        Assert.Contains("--cluster /etc/actorsim/cluster.conf", compose);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile); // actorsim serves the dashboard: ASP.NET Core runtime
    }
}
