using System.Diagnostics;
using System.Security.Cryptography;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// Simulated hosts on one machine: a Linux network namespace per host, each with a veth pair whose other end sits on
/// a bridge in a "switch" namespace of its own, addresses from a private /24 that exists only inside these
/// namespaces (nothing is added to the machine's own namespace). Needs root and iproute2 (installed with apt-get if
/// missing). <see cref="DisposeAsync"/> kills what still runs inside and deletes every namespace (with its links),
/// also after a failure. Without root or netns support the calling test is skipped, or fails loudly with CI=true.
/// </summary>
internal sealed class NetnsLab : IAsyncDisposable
{
    private readonly string _id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))[..5];
    private readonly List<string> _created = new();
    private readonly string _subnet = $"10.{RandomNumberGenerator.GetInt32(200, 250)}.{RandomNumberGenerator.GetInt32(1, 250)}";
    private readonly Dictionary<string, (string Namespace, string Address)> _hosts = new();
    private readonly Dictionary<string, string> _switchEnds = new();
    private string _switch = "";

    private NetnsLab() { }

    /// <summary>The namespace of a host.</summary>
    public string Namespace(string host) => _hosts[host].Namespace;

    /// <summary>The private IPv4 address of a host.</summary>
    public string Address(string host) => _hosts[host].Address;

    /// <summary>Creates the hosts, or skips the test (fails with CI=true) when network namespaces are not available here.</summary>
    public static async Task<NetnsLab> CreateAsync(IReadOnlyList<string> hosts)
    {
        var lab = new NetnsLab();
        try
        {
            if (Environment.UserName != "root") throw new InvalidOperationException("creating network namespaces needs root");
            await EnsureIproute2Async();
            var sw = await lab.AddAsync($"asim{lab._id}-sw");
            lab._switch = sw;
            await Ip("-n", sw, "link", "add", "br0", "type", "bridge");
            await Ip("-n", sw, "link", "set", "br0", "up");
            for (int i = 0; i < hosts.Count; i++)
            {
                var ns = await lab.AddAsync($"asim{lab._id}-{hosts[i]}");
                string hostEnd = $"v{lab._id}{i}", switchEnd = $"s{lab._id}{i}", address = $"{lab._subnet}.{10 + i}";
                await Ip("link", "add", hostEnd, "netns", ns, "type", "veth", "peer", "name", switchEnd, "netns", sw);
                await Ip("-n", ns, "link", "set", "lo", "up");
                await Ip("-n", ns, "addr", "add", $"{address}/24", "dev", hostEnd);
                await Ip("-n", ns, "link", "set", hostEnd, "up");
                await Ip("-n", sw, "link", "set", switchEnd, "master", "br0");
                await Ip("-n", sw, "link", "set", switchEnd, "up");
                lab._hosts[hosts[i]] = (ns, address);
                lab._switchEnds[hosts[i]] = switchEnd;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            await lab.DisposeAsync();
            var reason = $"network namespaces cannot be created here: {e.Message}";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) throw new InvalidOperationException("CI=true and the multi-host test cannot run: " + reason, e);
            Skip.If(true, reason);
        }
        return lab;
    }

    private async Task<string> AddAsync(string name)
    {
        await RunChecked("ip", ["netns", "add", name]);
        _created.Add(name);
        return name;
    }

    /// <summary>Runs a command inside a host's namespace.</summary>
    /// <summary>Cuts <paramref name="host"/> off the bridge (its link goes down): a network partition between it and the rest.</summary>
    public Task CutAsync(string host) => Ip("-n", _switch, "link", "set", _switchEnds[host], "down");

    public Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string host, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] command) =>
        Run("ip", ["netns", "exec", Namespace(host), .. command], environment, timeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in Enumerable.Reverse(_created))
        {
            // Whatever we started inside and is still there (a broker that did not stop) goes first.
            var (_, pids, _) = await Run("ip", ["netns", "pids", ns], null, TimeSpan.FromSeconds(10));
            foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                try { Process.GetProcessById(int.Parse(pid)).Kill(entireProcessTree: true); } catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
            await Run("ip", ["netns", "del", ns], null, TimeSpan.FromSeconds(10));
        }
        _created.Clear();
    }

    private static async Task EnsureIproute2Async()
    {
        try
        {
            await RunChecked("ip", ["-V"]);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // iproute2 is missing: install it (Debian/Ubuntu).
            await RunChecked("apt-get", ["install", "-y", "-q", "iproute2"], TimeSpan.FromMinutes(5));
        }
    }

    private static Task Ip(params string[] args) => RunChecked("ip", args);

    private static async Task<string> RunChecked(string file, string[] args, TimeSpan? timeout = null)
    {
        var (code, stdout, stderr) = await Run(file, args, null, timeout ?? TimeSpan.FromSeconds(30));
        if (code != 0) throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed (exit {code}): {stderr.Trim()}");
        return stdout;
    }

    public static async Task<(int, string, string)> Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            return (-1, await stdout, await stderr + $"{Environment.NewLine}'{file}' did not finish within {timeout}.");
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}
