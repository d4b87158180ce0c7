using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorSim.Actors.Remote.RabbitMq;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>
/// Starts a RabbitMQ broker for the test run with <c>cluster-config/broker.sh start</c> (which installs
/// rabbitmq-server when it is missing), on free loopback ports and in a temporary state directory, and stops it
/// at the end. With CI=true a broker that cannot be started fails every broker test loudly; elsewhere those tests
/// are skipped with the reason.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private string? _stateDir;
    private Dictionary<string, string>? _environment;

    /// <summary>Connection settings of the running broker, or null.</summary>
    public RabbitMqOptions? Options { get; private set; }

    /// <summary>Why there is no broker (outside CI only).</summary>
    public string? UnavailableReason { get; private set; }

    /// <summary>What broker.sh reported as its start time.</summary>
    public string StartSeconds { get; private set; } = "?";

    /// <summary>The environment a child process needs to reach the broker (ACTORSIM_BROKER_*).</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment { get; private set; } = new Dictionary<string, string>();

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "cluster-config", "broker.sh"))) return dir.FullName;
            throw new InvalidOperationException($"cluster-config/broker.sh not found above {AppContext.BaseDirectory}.");
        }
    }

    public async Task InitializeAsync()
    {
        if (!InCi && Environment.GetEnvironmentVariable("ACTORSIM_SKIP_BROKER_TESTS") == "1")
        {
            UnavailableReason = "ACTORSIM_SKIP_BROKER_TESTS=1";
            return;
        }
        _stateDir = Path.Combine(Path.GetTempPath(), $"actorsim-test-broker-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        var ports = FreePorts(3);
        _environment = new Dictionary<string, string>
        {
            ["ACTORSIM_BROKER_DIR"] = _stateDir,
            ["ACTORSIM_BROKER_PORT"] = ports[0].ToString(),
            ["ACTORSIM_BROKER_DIST_PORT"] = ports[1].ToString(),
            ["ACTORSIM_BROKER_EPMD_PORT"] = ports[2].ToString(),
            ["ACTORSIM_BROKER_NODENAME"] = $"actorsim-test-{ports[0]}@localhost",
            ["ACTORSIM_BROKER_USER"] = "actorsim-test",
            ["ACTORSIM_BROKER_VHOST"] = "actorsim-test",
            ["ACTORSIM_BROKER_PASSWORD"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('='),
        };
        var (exitCode, stdout, stderr) = await RunScriptAsync("start", TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            var message = $"cluster-config/broker.sh start failed (exit {exitCode}):{Environment.NewLine}{stderr}{stdout}";
            if (InCi) throw new InvalidOperationException("CI=true and the RabbitMQ broker for the tests cannot be started. " + message);
            UnavailableReason = message;
            return;
        }
        var values = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        StartSeconds = values.GetValueOrDefault("ACTORSIM_BROKER_STARTED_SECONDS", "?");
        Options = new RabbitMqOptions("127.0.0.1", ports[0], _environment["ACTORSIM_BROKER_VHOST"],
            _environment["ACTORSIM_BROKER_USER"], _environment["ACTORSIM_BROKER_PASSWORD"])
        {
            RequestedHeartbeat = TimeSpan.FromSeconds(2),
        };
        ClientEnvironment = new Dictionary<string, string>
        {
            ["ACTORSIM_BROKER_HOST"] = "127.0.0.1",
            ["ACTORSIM_BROKER_PORT"] = ports[0].ToString(),
            ["ACTORSIM_BROKER_VHOST"] = Options.VirtualHost,
            ["ACTORSIM_BROKER_USER"] = Options.UserName,
            ["ACTORSIM_BROKER_PASSWORD"] = Options.Password,
        };
    }

    /// <summary>Skips the calling test when there is no broker (never in CI: there the fixture has failed already).</summary>
    public RabbitMqOptions Require()
    {
        if (Options is not null) return Options;
        if (InCi) throw new InvalidOperationException("CI=true but no RabbitMQ broker is available: " + UnavailableReason);
        Skip.If(true, "No RabbitMQ broker for the tests: " + UnavailableReason);
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Runs broker.sh with this fixture's settings.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunScriptAsync(string command, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "cluster-config", "broker.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in _environment ?? new()) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, await stdout, await stderr + $"{Environment.NewLine}broker.sh {command} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task DisposeAsync()
    {
        if (_environment is null) return;
        await RunScriptAsync("stop", TimeSpan.FromMinutes(1));
        try
        {
            if (_stateDir is not null) Directory.Delete(_stateDir, recursive: true);
        }
        catch (IOException)
        {
        }
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

[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>
{
    public const string Name = "RabbitMQ broker";
}
