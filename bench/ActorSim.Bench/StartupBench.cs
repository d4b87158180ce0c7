using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorSim.Bench;

/// <summary>
/// Start-up of <c>actorsim run</c> (issue 14, item 3): the whole process of a small scenario against the run itself,
/// measured in the same process. Each configuration (an <c>actorsim.dll</c>: this bench's own build output, which is
/// JIT-compiled; a <c>dotnet publish</c> output, ReadyToRun; any other build given with <c>--exe</c>) runs the scenario
/// <c>--reps</c> times, the configurations taking turns round by round so that other load on the machine falls on all of
/// them alike. Whole process: from <c>Process.Start</c> to exit, measured here. The run itself: from the trace line
/// <c>run: actor system ready</c> to <c>run: completed</c> (<c>ACTORSIM_TRACE_STARTUP=1</c>, see
/// <c>StartupTrace</c>); outside = whole − run. A build without the trace (an older commit) shows run.json's
/// <c>wall_time_seconds</c> instead, which also counts the actor system's start. Medians and best of the rounds. CPU:
/// the process's user + system time (getrusage of the waited-for child), which a loaded machine inflates less than
/// the wall time. <c>--publish-composite</c> adds a self-contained publish compiled as one composite ReadyToRun image
/// with the .NET libraries (docs/startup.md), run through its own executable.
/// </summary>
public sealed partial class StartupBenchmark : IBenchmark
{
    public string Name => "startup";

    public string Description =>
        "actorsim run of a small scenario: whole process vs the run itself, JIT build vs ReadyToRun publish (--reps 10 --scenario F --exe LABEL=DLL|EXE --publish --publish-composite --skip-build)";

    private sealed record Config(string Label, string Dll);

    private static readonly string[] Phases =
        ["actor system start begun", "main", "command line parsed", "scenario loaded and checked", "run: actor system ready", "run: completed", "actor system stopped",
         "actor system left to the process's exit", "command done"];

    public int Run(string[] args)
    {
        int reps = 10;
        string? scenario = null;
        bool publish = false, publishComposite = false, skipBuild = false;
        var configs = new List<Config>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--scenario": scenario = args[++i]; break;
                case "--publish": publish = true; break;
                case "--publish-composite": publishComposite = true; break;
                case "--skip-build": skipBuild = true; break;
                case "--exe":
                    string[] kv = args[++i].Split('=', 2);
                    configs.Add(new Config(kv[0], Path.GetFullPath(kv[1])));
                    break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        string? repo = FindRepo();
        scenario ??= repo is null ? null : Path.Combine(repo, "scenarios", "may-nowak-ode.json");
        if (scenario is null || !File.Exists(scenario)) { Console.Error.WriteLine("no scenario (give --scenario)"); return 2; }
        string own = Path.Combine(AppContext.BaseDirectory, "actorsim.dll");
        if (!skipBuild && File.Exists(own)) configs.Insert(0, new Config("dotnet build output (JIT)", own));
        var scratch = Directory.CreateTempSubdirectory("actorsim-bench-startup-").FullName;
        try
        {
            foreach (var (wanted, composite) in new[] { (publish, false), (publishComposite, true) })
            {
                if (!wanted) continue;
                if (repo is null) { Console.Error.WriteLine("--publish: the repository was not found above the bench"); return 2; }
                string dir = Path.Combine(scratch, composite ? "publish-composite" : "publish");
                Console.WriteLine($"publishing src/ActorSim.Cli (Release, {(composite ? "self-contained, composite ReadyToRun; minutes" : "ReadyToRun")}) to {dir} …");
                var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "publish", Path.Combine(repo, "src", "ActorSim.Cli"), "-c", "Release", "-o", dir, "--nologo", "-v", "quiet" }) psi.ArgumentList.Add(a);
                if (composite) foreach (var a in new[] { "--self-contained", "-p:PublishReadyToRunComposite=true" }) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                var stdout = p.StandardOutput.ReadToEndAsync();
                string output = p.StandardError.ReadToEnd() + stdout.Result;
                p.WaitForExit();
                if (p.ExitCode != 0) { Console.WriteLine($"dotnet publish failed ({p.ExitCode}):\n{output}"); return 1; }
                configs.Add(composite
                    ? new Config("dotnet publish --self-contained, composite ReadyToRun", Path.Combine(dir, "actorsim"))
                    : new Config("dotnet publish output (ReadyToRun)", Path.Combine(dir, "actorsim.dll")));
            }
            if (configs.Count == 0) { Console.Error.WriteLine("nothing to measure"); return 2; }
            Console.WriteLine($"scenario {scenario}; {reps} rounds after one warm-up round (page cache), configurations in turn");
            var samples = configs.ToDictionary(c => c, _ => new List<Sample>());
            var loads = configs.ToDictionary(c => c, _ => 0.0);
            for (int r = 0; r <= reps; r++)
            {
                foreach (var c in configs)
                {
                    var load = CpuLoad.Start();
                    var s = RunOnce(c, scenario, Path.Combine(scratch, "out"));
                    if (s is null) return 1;
                    if (r == 0) continue;
                    samples[c].Add(s);
                    loads[c] += load.OthersCores() / reps;
                }
            }
            Console.WriteLine();
            Console.WriteLine("| configuration | whole process, median (best) | the run itself, median | outside the run, median (best) | CPU (user + system), median (best) | run.json wall_time_seconds, median | others (cores) |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var c in configs)
            {
                var ss = samples[c];
                bool traced = ss.All(s => s.Run is not null);
                string run = traced ? F(Median(ss.Select(s => s.Run!.Value))) : "(no trace)";
                string outside = traced
                    ? $"**{F(Median(ss.Select(s => s.Whole - s.Run!.Value)))}** ({F(ss.Min(s => s.Whole - s.Run!.Value))})"
                    : $"≥ {F(Median(ss.Select(s => s.Whole - s.WallTime)))} (whole − wall_time)";
                Console.WriteLine($"| {c.Label} | {F(Median(ss.Select(s => s.Whole)))} ({F(ss.Min(s => s.Whole))}) | {run} | {outside} | {F(Median(ss.Select(s => s.Cpu)))} ({F(ss.Min(s => s.Cpu))}) | {F(Median(ss.Select(s => s.WallTime)))} | {loads[c]:F2} |");
            }
            Console.WriteLine();
            Console.WriteLine("Phases (median ms since the process started, from the trace; 10 ms grain of the kernel's start time):");
            foreach (var c in configs)
            {
                var ss = samples[c];
                if (!ss.All(s => s.Run is not null)) continue;
                var parts = Phases.Select(ph => ss.All(s => s.Marks.ContainsKey(ph))
                    ? $"{ph} {Median(ss.Select(s => s.Marks[ph])):F0}" : null).Where(x => x is not null);
                Console.WriteLine($"  {c.Label}: {string.Join(" | ", parts)} | exit {Median(ss.Select(s => s.Whole * 1000)):F0}");
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    private sealed record Sample(double Whole, double? Run, double WallTime, double Cpu, Dictionary<string, double> Marks);

    private static Sample? RunOnce(Config c, string scenario, string outDir)
    {
        // An actorsim.dll runs through the dotnet host; anything else (a self-contained publish's actorsim) by itself.
        bool dll = c.Dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var psi = new ProcessStartInfo(dll ? "dotnet" : c.Dll) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (dll ? new[] { c.Dll } : []).Concat(["run", scenario, "--out", outDir, "--force", "--quiet"])) psi.ArgumentList.Add(a);
        psi.Environment["ACTORSIM_TRACE_STARTUP"] = "1";
        double cpu0 = ChildrenCpuSeconds();
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        double whole = clock.Elapsed.TotalSeconds;
        double cpu = ChildrenCpuSeconds() - cpu0;
        stdoutTask.Wait();
        if (p.ExitCode != 0) { Console.WriteLine($"{c.Label}: actorsim run failed ({p.ExitCode}): {stderr}"); return null; }
        var marks = new Dictionary<string, double>();
        foreach (Match m in TraceLine().Matches(stderr))
            marks[m.Groups[2].Value.Trim()] = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        double? run = marks.TryGetValue("run: actor system ready", out double a0) && marks.TryGetValue("run: completed", out double a1) ? (a1 - a0) / 1000 : null;
        double wall = (double?)JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")))?["wall_time_seconds"] ?? double.NaN;
        return new Sample(whole, run, wall, cpu, marks);
    }

    /// <summary>User + system CPU seconds of this process's terminated, waited-for children (getrusage RUSAGE_CHILDREN).</summary>
    private static double ChildrenCpuSeconds()
    {
        var usage = new RUsage();
        return GetRUsage(-1, ref usage) == 0 ? usage.UserSec + usage.UserUsec * 1e-6 + usage.SysSec + usage.SysUsec * 1e-6 : double.NaN;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserUsec, SysSec, SysUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVCsw, NIvCsw;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, ref RUsage usage);

    [GeneratedRegex(@"^\[startup\]\s+([0-9.]+) ms  (.*)$", RegexOptions.Multiline)]
    private static partial Regex TraceLine();

    private static double Median(IEnumerable<double> xs)
    {
        var a = xs.OrderBy(x => x).ToArray();
        return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
    }

    private static string F(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:F3} s");

    private static string? FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ActorSim.sln"))) return d.FullName;
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ActorSim.sln"))) return d.FullName;
        return null;
    }
}
