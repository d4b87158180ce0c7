using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>A cluster node in a child process (<see cref="TestNodeProgram"/>), for crash and hang tests.</summary>
public sealed class ChildNodeProcess : IDisposable
{
    private const int SigStop = 19, SigCont = 18;
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ChildNodeProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Pid => _process.Id;

    /// <summary>Starts the child and waits for its READY line.</summary>
    public static async Task<ChildNodeProcess> StartAsync(string clusterId, string nodeId, string secret, int seedPort, int port = 0, bool coordinator = false)
    {
        var start = new ProcessStartInfo(DotnetHost(), [typeof(TestNodeProgram).Assembly.Location, "cluster-node", clusterId, nodeId,
            seedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. coordinator ? ["coordinator"] : Array.Empty<string>()])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ACTORSIM_CLUSTER_SECRET"] = secret;
        var child = new ChildNodeProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the child node."));
        try
        {
            var line = await child._process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
                throw new InvalidOperationException($"Child node '{nodeId}' did not start: '{line}'. Its stderr:{Environment.NewLine}{await child.StderrAsync()}");
        }
        catch
        {
            child.Dispose();
            throw;
        }
        return child;
    }

    /// <summary>SIGKILL: the process dies at once, its sockets are closed by the kernel.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGSTOP: the process hangs; its sockets stay open.</summary>
    public void Stop() => Signal(SigStop);

    /// <summary>SIGCONT.</summary>
    public void Continue() => Signal(SigCont);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private async Task<string> StderrAsync()
    {
        if (!_process.HasExited) _process.Kill();
        return await _stderr.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static string DotnetHost()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment)) return fromEnvironment;
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        return "dotnet";
    }
}
