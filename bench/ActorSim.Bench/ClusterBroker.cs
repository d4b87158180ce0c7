using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorSim.Actors.Remote.RabbitMq;

namespace ActorSim.Bench;

/// <summary>
/// A RabbitMQ broker for the cluster benchmark: the one named by ACTORSIM_BROKER_URL (+ ACTORSIM_BROKER_PASSWORD), or
/// a private one started with cluster-config/broker.sh on free loopback ports in a temporary directory and stopped
/// again at the end.
/// </summary>
internal sealed class ClusterBroker : IDisposable
{
    private readonly Dictionary<string, string>? _environment;
    private readonly string? _script;

    private ClusterBroker(RabbitMqOptions options, string description, Dictionary<string, string>? environment, string? script)
    {
        Options = options;
        Description = description;
        _environment = environment;
        _script = script;
    }

    public RabbitMqOptions Options { get; }
    public string Description { get; }

    public static ClusterBroker Start()
    {
        var script = Path.Combine(RepositoryRoot(), "cluster-config", "broker.sh");
        var ports = FreePorts(3);
        var dir = Path.Combine(Path.GetTempPath(), $"actorsim-bench-broker-{Environment.ProcessId}");
        var env = new Dictionary<string, string>
        {
            ["ACTORSIM_BROKER_DIR"] = dir,
            ["ACTORSIM_BROKER_PORT"] = ports[0].ToString(),
            ["ACTORSIM_BROKER_DIST_PORT"] = ports[1].ToString(),
            ["ACTORSIM_BROKER_EPMD_PORT"] = ports[2].ToString(),
            ["ACTORSIM_BROKER_NODENAME"] = $"actorsim-bench-{ports[0]}@localhost",
            ["ACTORSIM_BROKER_PASSWORD"] = Convert.ToHexString(Guid.NewGuid().ToByteArray()),
        };
        var (code, output) = Run(script, "start", env);
        if (code != 0) throw new InvalidOperationException($"cluster-config/broker.sh start failed (exit {code}):{Environment.NewLine}{output}");
        var options = new RabbitMqOptions("127.0.0.1", ports[0], "actorsim", "actorsim", env["ACTORSIM_BROKER_PASSWORD"]);
        return new ClusterBroker(options, $"{options} (started by broker.sh for this benchmark)", env, script);
    }

    public void Dispose()
    {
        if (_environment is null || _script is null) return;
        Run(_script, "stop", _environment);
        try { Directory.Delete(_environment["ACTORSIM_BROKER_DIR"], recursive: true); } catch (IOException) { }
    }

    private static (int, string) Run(string script, string command, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("bash", [script, command]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "cluster-config", "broker.sh"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "cluster-config", "broker.sh"))) return dir.FullName;
        throw new InvalidOperationException("cluster-config/broker.sh not found; run the benchmark from the repository");
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }
}
