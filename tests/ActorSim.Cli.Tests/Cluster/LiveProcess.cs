using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// A child process whose standard output is read line by line as it comes (to wait for "joined", placement lines…),
/// with its standard error collected. Disposing kills it if it still runs.
/// </summary>
internal sealed class LiveProcess : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(), _errorLines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LiveProcess(string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        Name = name;
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _lines.Writer.TryComplete(); _stdoutClosed.TrySetResult(); return; }
            lock (_stdout) _stdout.AppendLine(e.Data);
            _lines.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { _errorLines.Writer.TryComplete(); _stderrClosed.TrySetResult(); return; }
            lock (_stderr) _stderr.AppendLine(e.Data);
            _errorLines.Writer.TryWrite(e.Data);
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>An actorsim command (dotnet actorsim.dll …), optionally inside a network namespace.</summary>
    public static LiveProcess Actorsim(string name, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory, string? netns = null)
    {
        var command = new List<string>();
        if (netns is not null) command.AddRange(["netns", "exec", netns, "dotnet"]);
        command.Add(ActorsimProcess.Dll);
        command.AddRange(args);
        return new LiveProcess(name, netns is null ? "dotnet" : "ip", command, environment, workingDirectory);
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public string StdOut { get { lock (_stdout) return _stdout.ToString(); } }
    public string StdErr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Reads output lines until one satisfies <paramref name="predicate"/>; fails with the whole output if the process ends or time runs out first.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout) => WaitForAsync(_lines.Reader, predicate, timeout);

    /// <summary>Like <see cref="WaitForLineAsync"/>, on standard error (the logs).</summary>
    public Task<string> WaitForErrorLineAsync(Func<string, bool> predicate, TimeSpan timeout) => WaitForAsync(_errorLines.Reader, predicate, timeout);

    private async Task<string> WaitForAsync(ChannelReader<string> reader, Func<string, bool> predicate, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await reader.WaitToReadAsync(cts.Token))
                while (reader.TryRead(out var line))
                    if (predicate(line)) return line;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name}: no matching output line within {timeout.TotalSeconds} s.{Environment.NewLine}{Describe()}");
        }
        await Task.WhenAny(_stderrClosed.Task, Task.Delay(TimeSpan.FromSeconds(5)));
        throw new InvalidOperationException($"{Name}: the process ended without the expected output line.{Environment.NewLine}{Describe()}");
    }

    /// <summary>Waits for the exit and for all its output; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: did not exit within {timeout.TotalSeconds} s.{Environment.NewLine}{Describe()}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGTERM: asks the process to stop cleanly.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGSTOP: the process hangs; its sockets stay open.</summary>
    public void Stop()
    {
        if (kill(_process.Id, 19) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGSTOP) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGINT: as Ctrl-C in a terminal.</summary>
    public void Interrupt()
    {
        if (kill(_process.Id, 2) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGCONT: a stopped process goes on.</summary>
    public void Continue()
    {
        if (kill(_process.Id, 18) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGCONT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash.</summary>
    public void Kill() => _process.Kill();

    public string Describe() => $"--- {Name} (pid {_process.Id}) stdout:{Environment.NewLine}{StdOut}--- stderr:{Environment.NewLine}{StdErr}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
