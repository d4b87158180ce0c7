using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>`actorsim node` and `run --cluster` without a broker: settings errors, an unreachable broker, and the docker example's consistency.</summary>
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
    public void A_node_without_a_secret_or_password_does_not_start_and_says_why()
    {
        var config = Config(new JsonObject { ["cluster"] = "t", ["broker_url"] = "amqp://u@127.0.0.1:1/v" });
        var r = ActorsimProcess.Run(_dir.Path, "node", "--config", config, "--name", "n1");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("No cluster secret", r.StdErr);
        Assert.Contains("no broker password", r.StdErr);
    }

    [Fact]
    public void A_bad_flag_value_is_reported_with_its_flag()
    {
        var config = Config(new JsonObject { ["secret"] = "0123456789abcdef0123", ["broker_url"] = "amqp://u:p@127.0.0.1:1/v" });
        var r = ActorsimProcess.Run(_dir.Path, "node", "--config", config, "--roles", "worker,chef");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--roles: roles must be one or both of coordinator, worker (unknown: chef)", r.StdErr);
    }

    [Fact]
    public void A_node_that_cannot_reach_the_broker_exits_1_naming_the_broker()
    {
        int port = ClosedPort();
        var config = Config(new JsonObject
        {
            ["secret"] = "0123456789abcdef0123",
            ["broker_url"] = $"amqp://u:p@127.0.0.1:{port}/v",
            ["checkpoint_dir"] = _dir.File("ckpt"),
            ["broker_connect_timeout_s"] = 5,
        });
        var r = ActorsimProcess.Run(_dir.Path, "node", "--config", config, "--name", "n1");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"cannot connect to the broker at amqp://u@127.0.0.1:{port}/v", r.StdErr);
        Assert.DoesNotContain(":p@", r.StdErr + r.StdOut); // the password is never printed
    }

    [Fact]
    public void A_run_submitted_to_an_unreachable_broker_fails_with_run_json()
    {
        int port = ClosedPort();
        var config = Config(new JsonObject
        {
            ["secret"] = "0123456789abcdef0123",
            ["broker_url"] = $"amqp://u:p@127.0.0.1:{port}/v",
            ["broker_connect_timeout_s"] = 5,
        });
        var r = ActorsimProcess.Run(_dir.Path, "run", "scenarios/may-nowak-ode.json", "--cluster", config, "--out", "out");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("cannot join cluster 'actorsim'", r.StdErr);
        var run = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!;
        Assert.Equal("failed", (string?)run["status"]);
        Assert.Equal("cluster", (string?)run["runtime"]);
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
    public void The_docker_example_wires_config_secrets_and_image_together()
    {
        var root = RepoRoot.Path;
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "cluster-config", "docker.json")),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        var compose = File.ReadAllText(Path.Combine(root, "docker", "compose.yaml"));
        var dockerfile = File.ReadAllText(Path.Combine(root, "docker", "Dockerfile"));

        // The secrets compose mounts are the files the config reads.
        Assert.Equal("/run/secrets/broker_password", (string?)config["broker_password_file"]);
        Assert.Equal("/run/secrets/cluster_secret", (string?)config["secret_file"]);
        Assert.Contains("secrets: [broker_password, cluster_secret]", compose);
        // The broker service, user and vhost of the config's URL exist in compose.
        Assert.Equal("amqp://actorsim@rabbitmq:5672/actorsim", (string?)config["broker_url"]);
        Assert.Contains("  rabbitmq:\n", compose);
        Assert.Contains("default_user = actorsim", compose);
        Assert.Contains("default_vhost = actorsim", compose);
        // The shared checkpoint volume is where the config puts checkpoints.
        Assert.Equal("/checkpoints", (string?)config["checkpoint_dir"]);
        Assert.Contains("- checkpoints:/checkpoints", compose);
        // The image carries the config where its default command and the submit examples look for it.
        Assert.Contains("COPY cluster-config/docker.json /etc/actorsim/cluster.json", dockerfile);
        Assert.Contains("CMD [\"node\", \"--config\", \"/etc/actorsim/cluster.json\"]", dockerfile);
        Assert.Contains("--cluster /etc/actorsim/cluster.json", compose);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile); // actorsim serves the dashboard: ASP.NET Core runtime
    }
}
