using System.Diagnostics;

namespace ActorSim.Cli.Tests;

/// <summary>Runs the built <c>actorsim</c> as a real process (dotnet actorsim.dll …) and captures its output.</summary>
internal static class ActorsimProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
    }

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "actorsim.dll");

    public static Result Run(string workingDirectory, IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"actorsim {string.Join(' ', args)} did not finish in time");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, (IEnumerable<string>)args);
}

/// <summary>The root of the repository (the folder holding ActorSim.sln), found from the test binaries.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "ActorSim.sln"))) return d.FullName;
        throw new InvalidOperationException("ActorSim.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A scratch directory with a copy of the shipped scenarios, deleted afterwards.</summary>
internal sealed class ScratchDir : IDisposable
{
    public ScratchDir()
    {
        Path = Directory.CreateTempSubdirectory("actorsim-test-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "scenarios"));
        foreach (var f in Directory.GetFiles(System.IO.Path.Combine(RepoRoot.Path, "scenarios")))
            System.IO.File.Copy(f, System.IO.Path.Combine(Path, "scenarios", System.IO.Path.GetFileName(f)));
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
