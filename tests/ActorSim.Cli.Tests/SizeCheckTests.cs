using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests;

/// <summary><c>validate</c> and <c>run</c> refuse what cannot fit this machine, naming the estimate, the limit and the keys.</summary>
public class SizeCheckTests
{
    private static string Write(ScratchDir dir, string name, string shipped, Action<JsonObject> change)
    {
        var s = JsonNode.Parse(File.ReadAllText(dir.File("scenarios/" + shipped)))!.AsObject();
        change(s);
        File.WriteAllText(dir.File(name), s.ToJsonString());
        return name;
    }

    [Theory]
    [InlineData(250_000, "24 TB")]
    [InlineData(40_000, "614 GB")]
    public void An_impossible_grid_is_refused_by_validate_and_run(int n, string memory)
    {
        using var dir = new ScratchDir();
        string file = Write(dir, "big.json", "virus-pde-2d-pattern.json", s => { s["parameters"]!["nx"] = n; s["parameters"]!["ny"] = n; });
        var v = ActorsimProcess.Run(dir.Path, "validate", file);
        Assert.True(v.ExitCode == 2, v.ToString());
        Assert.Contains($"big.json: too large for this machine: it needs about {memory} of memory (parameters nx × ny), more than the ", v.StdErr);
        Assert.Contains("free on this machine", v.StdErr);
        Assert.Contains("--force-size", v.StdErr);

        var r = ActorsimProcess.Run(dir.Path, "run", file, "--out", "out");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("too large for this machine", r.StdErr);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void A_run_of_1e15_steps_is_refused_and_1e10_warned()
    {
        using var dir = new ScratchDir();
        string refused = Write(dir, "steps.json", "huxley-zahalak.json", s => s["time"] = new JsonObject { ["end"] = 1.0, ["dt"] = 1e-15, ["output_interval"] = 0.5 });
        var v = ActorsimProcess.Run(dir.Path, "validate", refused);
        Assert.True(v.ExitCode == 2, v.ToString());
        Assert.Contains("it takes about 1e15 steps (time.end / time.dt), more than the 1e12 allowed", v.StdErr);

        string warned = Write(dir, "warn.json", "huxley-zahalak.json", s => s["time"] = new JsonObject { ["end"] = 1.0, ["dt"] = 1e-10, ["output_interval"] = 0.5 });
        var w = ActorsimProcess.Run(dir.Path, "validate", warned);
        Assert.True(w.ExitCode == 0, w.ToString());
        Assert.Contains("warn.json: warning: the run takes about 1e10 steps (time.end / time.dt)", w.StdErr);
    }

    [Fact]
    public void Force_size_lets_validate_pass_with_warnings()
    {
        using var dir = new ScratchDir();
        string file = Write(dir, "big.json", "virus-pde-2d-pattern.json", s => { s["parameters"]!["nx"] = 40_000; s["parameters"]!["ny"] = 40_000; });
        var v = ActorsimProcess.Run(dir.Path, "validate", file, "--force-size");
        Assert.True(v.ExitCode == 0, v.ToString());
        Assert.Contains("warning (--force-size): it needs about 614 GB of memory", v.StdErr);
    }

    [Fact]
    public void Output_larger_than_the_free_disk_is_refused()
    {
        using var dir = new ScratchDir();
        // 2000 × 2000 cells fit in memory (~1.5 GB estimated) but 10^5 outputs of 96 MB each fit no test machine's disk.
        string file = Write(dir, "disk.json", "virus-pde-2d-pattern.json", s =>
        {
            s["parameters"]!["nx"] = 2000; s["parameters"]!["ny"] = 2000;
            s["time"] = new JsonObject { ["end"] = 100000.0, ["output_interval"] = 1.0 };
        });
        var v = ActorsimProcess.Run(dir.Path, "validate", file, "--out", "out");
        Assert.True(v.ExitCode == 2, v.ToString());
        Assert.Contains("its outputs need about 9.6 TB of disk (parameters nx × ny; output rows), more than the ", v.StdErr);
        Assert.Contains(" free for out", v.StdErr);
    }

    [Fact]
    public void Every_shipped_scenario_fits()
    {
        using var dir = new ScratchDir();
        foreach (string f in Directory.GetFiles(dir.File("scenarios"), "*.json"))
        {
            var v = ActorsimProcess.Run(dir.Path, "validate", f);
            Assert.True(v.ExitCode == 0, v.ToString());
            Assert.Contains("estimated memory ~", v.StdOut);
            Assert.DoesNotContain("warning", v.StdErr);
        }
    }

    [Fact]
    public void A_run_that_runs_out_of_memory_ends_with_exit_1_and_a_failed_run_json()
    {
        using var dir = new ScratchDir();
        // 4000 × 4000 cells need more than the 256 MiB heap this process is given (no risk to the machine's memory).
        string file = Write(dir, "mid.json", "virus-pde-2d-pattern.json", s => { s["parameters"]!["nx"] = 4000; s["parameters"]!["ny"] = 4000; });
        var r = ActorsimProcess.Run(dir.Path, ["run", file, "--out", "out", "--force-size", "-q"], TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" });
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("mid.json: the run failed: out of memory", r.StdErr);
        Assert.DoesNotContain("   at ", r.StdErr);
        var run = JsonNode.Parse(File.ReadAllText(dir.File("out/run.json")))!;
        Assert.Equal("failed", (string?)run["status"]);
        Assert.Equal("out of memory", (string?)run["reason"]);
        Assert.Empty(Directory.GetFiles(dir.File("out"), "*.tmp").Concat(Directory.GetFiles(dir.File("out"), ".run.json.reserve")));
    }
}
