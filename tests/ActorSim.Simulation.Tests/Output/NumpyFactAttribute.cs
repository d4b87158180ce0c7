using System.Diagnostics;

namespace ActorSim.Simulation.Tests.Output;

/// <summary>A fact that needs a Python with numpy; skipped (with the reason) where there is none. Not required in CI.</summary>
public sealed class NumpyFactAttribute : FactAttribute
{
    public NumpyFactAttribute()
    {
        if (Numpy.Python is null) Skip = "no python3 with numpy on this machine (tried: " + string.Join(", ", Numpy.Candidates) + ")";
    }
}

/// <summary>Finds a python3 that can import numpy, and runs scripts with it.</summary>
internal static class Numpy
{
    public static readonly string[] Candidates = ["python3", "/usr/bin/python3", "python"];

    private static readonly Lazy<string?> Found = new(() => Candidates.FirstOrDefault(p => TryRun(p, "import numpy", out _, out _) == 0));

    public static string? Python => Found.Value;

    /// <summary>Runs a script; returns its exit code, stdout and stderr.</summary>
    public static int Run(string script, out string stdout, out string stderr) =>
        TryRun(Python ?? throw new InvalidOperationException("no python with numpy"), script, out stdout, out stderr);

    private static int TryRun(string python, string script, out string stdout, out string stderr)
    {
        stdout = stderr = "";
        try
        {
            var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
            using var p = Process.Start(psi)!;
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(20_000)) { p.Kill(true); return -1; }
            stdout = o.Result;
            stderr = e.Result;
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;   // not installed
        }
    }
}
