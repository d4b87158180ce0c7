using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests;

/// <summary>
/// Start-up of <c>actorsim run</c> (issue 14 item 3, docs/startup.md), seen from outside through the trace lines of
/// <c>ACTORSIM_TRACE_STARTUP</c>: an in-process run starts its actor system in <c>Main</c> before the command line is
/// parsed, with dynamic code off, and the process ends without waiting for the system's stop — with complete outputs.
/// Commands that must not start one (help, a bad command line) do not, or end at once.
/// </summary>
public class StartupTests
{
    private static readonly Dictionary<string, string> Trace = new() { ["ACTORSIM_TRACE_STARTUP"] = "2" };

    private static List<string> Marks(string stderr) =>
        stderr.Split('\n').Where(l => l.StartsWith("[startup]", StringComparison.Ordinal)).ToList();

    private static int IndexOf(List<string> marks, string what) =>
        marks.FindIndex(l => l.Contains($" ms  {what}", StringComparison.Ordinal));

    [Fact]
    public void An_in_process_run_starts_its_system_in_Main_and_ends_without_waiting_for_its_stop()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, ["run", "scenarios/may-nowak-ode.json", "--out", "out", "-q"], environment: Trace);
        Assert.True(r.ExitCode == 0, r.ToString());
        var marks = Marks(r.StdErr);
        int begun = IndexOf(marks, "actor system start begun"), parsed = IndexOf(marks, "command line parsed");
        Assert.True(begun >= 0 && parsed > begun, r.StdErr);
        int ready = IndexOf(marks, "run: actor system ready");
        Assert.True(ready > parsed, r.StdErr);
        Assert.Contains("dynamic code False", marks[ready]);
        Assert.True(IndexOf(marks, "actor system left to the process's exit") > IndexOf(marks, "run: run.json written"), r.StdErr);
        Assert.Equal(-1, IndexOf(marks, "actor system stopped"));
        // Nothing else on standard error: no warning or error from an actor system cut short by the process's end.
        Assert.Empty(r.StdErr.Split('\n').Where(l => l.Trim().Length > 0 && !l.StartsWith("[startup]", StringComparison.Ordinal)));

        // The outputs are complete although the process did not wait for the actor system to stop.
        var run = JsonNode.Parse(File.ReadAllText(dir.File("out/run.json")))!;
        Assert.Equal("completed", (string)run["status"]!);
        string csv = dir.File("out/timeseries.csv");
        Assert.Equal(801 + 1, File.ReadAllLines(csv).Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(csv))), (string)run["results_sha256"]!);
        var monitor = File.ReadAllLines(dir.File("out/monitor.jsonl"));
        Assert.Contains("\"completed\"", monitor[^1]);
    }

    [Fact]
    public void A_run_of_another_model_without_expressions_starts_its_system_early_with_dynamic_code_off()
    {
        // The early path reads the model's NeedsDynamicCode through the catalog (not a list of its own): a model other
        // than may-nowak-ode, with a schema of its own, gets its system started in Main and dynamic code off.
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, ["run", "scenarios/huxley-zahalak.json", "--out", "out", "-q", "--no-plots"], environment: Trace);
        Assert.True(r.ExitCode == 0, r.ToString());
        var marks = Marks(r.StdErr);
        int begun = IndexOf(marks, "actor system start begun"), parsed = IndexOf(marks, "command line parsed");
        Assert.True(begun >= 0 && parsed > begun, r.StdErr);
        Assert.Contains("dynamic code False", marks[begun]);
        int ready = IndexOf(marks, "run: actor system ready");
        Assert.True(ready > parsed, r.StdErr);
        Assert.Contains("dynamic code False", marks[ready]);
        // ACTORSIM_TRACE_STARTUP=2 names the assemblies as they load: Akka.NET's before the system's start has begun.
        int akka = marks.FindIndex(l => l.Contains(" ms  (assembly Akka)", StringComparison.Ordinal));
        Assert.True(akka >= 0 && akka < begun, r.StdErr);
        var run = JsonNode.Parse(File.ReadAllText(dir.File("out/run.json")))!;
        Assert.Equal("completed", (string)run["status"]!);
    }

    [Fact]
    public void Help_starts_no_actor_system_and_a_bad_command_line_ends_at_once()
    {
        using var dir = new ScratchDir();
        var help = ActorsimProcess.Run(dir.Path, ["run", "--help"], environment: Trace);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--out", help.StdOut);
        Assert.Equal(-1, IndexOf(Marks(help.StdErr), "actor system start begun"));

        // --out is missing: the usage error, exit 2, while the early system is still starting (its threads do not hold the process).
        var bad = ActorsimProcess.Run(dir.Path, ["run", "scenarios/may-nowak-ode.json"], TimeSpan.FromSeconds(60), Trace);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--out", bad.StdErr);
        Assert.True(IndexOf(Marks(bad.StdErr), "actor system start begun") >= 0, bad.StdErr);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}

/// <summary>Which command lines start the actor system in <c>Main</c>, and which may turn dynamic code off.</summary>
public class EarlyActorSystemTests
{
    [Theory]
    [InlineData("run s.json --out o", true)]
    [InlineData("run --out o s.json", true)]
    [InlineData("run s.json --out o --cluster c.conf", false)]
    [InlineData("run s.json --out o --cluster=c.conf", false)]
    [InlineData("run --help", false)]
    [InlineData("run s.json -h", false)]
    [InlineData("run @args.rsp", false)]
    [InlineData("resume out", false)]
    [InlineData("sweep s.json --out o", false)]
    [InlineData("validate s.json", false)]
    public void Only_an_in_process_run_starts_its_system_in_Main(string line, bool expected) =>
        Assert.Equal(expected, EarlyActorSystem.WantsInProcessSystem(line.Split(' ')));

    [Theory]
    [InlineData("scenarios/may-nowak-ode.json", "", true)]
    [InlineData("scenarios/virus-pde-1d-unstable.json", "", true)]
    [InlineData("scenarios/huxley-particles.json", "", true)]
    [InlineData("scenarios/muscle-1d-nonlinear.json", "", false)]                  // compiles its constraint's expressions
    [InlineData("scenarios/muscle-deformation-2d-expression.json", "", false)]
    [InlineData("scenarios/may-nowak-ode.json", " --set parameters.beta=0.003", false)]
    [InlineData("scenarios/may-nowak-ode.json", " --set=parameters.beta=0.003", false)]
    [InlineData("scenarios/may-nowak-ode.json", " --dashboard", false)]
    [InlineData("missing.json", "", false)]
    public void Dynamic_code_goes_off_only_for_models_that_compile_no_expressions(string scenario, string extra, bool expected)
    {
        using var dir = new ScratchDir();
        string[] args = ["run", dir.File(scenario), "--out", dir.File("out"), .. extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        Assert.Equal(expected, EarlyActorSystem.DynamicCodeCanBeOff(args));
        Assert.False(EarlyActorSystem.DynamicCodeCanBeOff(["run", "--out", dir.File("out"), dir.File(scenario)]));   // not the documented form
    }

    [Fact]
    public void Every_shipped_scenario_turns_dynamic_code_off_exactly_when_its_model_compiles_no_expressions()
    {
        using var dir = new ScratchDir();
        var off = new HashSet<string>();
        foreach (string file in Directory.GetFiles(dir.File("scenarios"), "*.json"))
        {
            string model = (string)JsonNode.Parse(File.ReadAllText(file))!["model"]!;
            bool needs = ActorSim.Simulation.Models.ModelCatalog.Find(model)!.NeedsDynamicCode;
            Assert.True(EarlyActorSystem.DynamicCodeCanBeOff(["run", file, "--out", dir.File("out")]) == !needs, $"{Path.GetFileName(file)} ({model})");
            if (!needs) off.Add(model);
        }
        // Every model that compiles no expressions has a shipped scenario, and the early path turns dynamic code off for it.
        Assert.Equal(ActorSim.Simulation.Models.ModelCatalog.All.Where(m => !m.NeedsDynamicCode).Select(m => m.Name).Order(), off.Order());
        Assert.Equal(8, off.Count);
    }

    [Theory]
    [InlineData("{ \"model\": \"may-nowak-ode\" }", "may-nowak-ode")]
    [InlineData("\uFEFF{\"model\":\"virus-pde\"}", "virus-pde")]
    [InlineData("// a comment \"model\": \"x\"\n{ /* \"model\": \"y\" */ \"model\" /* here */ : // there\n \"muscle-1d\" }", "muscle-1d")]
    [InlineData("{ \"description\": \"a \\\"model\\\": \\\"x\\\" in text\", \"n\": -1.5e3, \"ok\": true, \"model\": \"huxley-pde\" }", "huxley-pde")]
    [InlineData("{ \"parameters\": { \"model\": \"nested\", \"list\": [1, {\"model\": \"deeper\"}] }, \"model\": \"top\" }", "top")]
    [InlineData("{ \"parameters\": { \"model\": \"nested\" } }", null)]
    [InlineData("{ \"model\": 3 }", null)]
    [InlineData("{ \"model\": { \"name\": \"x\" } }", null)]
    [InlineData("{ \"model\": [\"x\"] }", null)]
    [InlineData("{ \"model\": null }", null)]
    [InlineData("{ \"mod\\u0065l\": \"x\" }", null)]                // an escaped key: left to the loader
    [InlineData("{ \"model\": \"may-nowak-\\u006fde\" }", null)]      // an escaped value: likewise
    [InlineData("{ \"model\": \"may-nowak-ode", null)]                   // cut short
    [InlineData("{ \"model\" / \"x\" }", null)]
    [InlineData("[ { \"model\": \"x\" } ]", null)]
    [InlineData("\"model\"", null)]
    [InlineData("", null)]
    [InlineData("{ /* never closed", null)]
    public void The_start_up_scan_finds_the_top_level_model_or_gives_up(string json, string? expected) =>
        Assert.Equal(expected, EarlyActorSystem.TopLevelModel(System.Text.Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void The_start_up_scan_agrees_with_the_json_parser_on_every_shipped_scenario()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(RepoRoot.Path, "scenarios"), "*.json"))
            Assert.Equal((string?)JsonNode.Parse(File.ReadAllText(file))!["model"], EarlyActorSystem.TopLevelModel(File.ReadAllBytes(file)));
    }

    [Fact]
    public void Dynamic_code_stays_on_for_a_scenario_that_is_not_an_object_or_names_no_model()
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File("a.json"), "[1, 2]");
        File.WriteAllText(dir.File("b.json"), "{ \"time\": { \"end\": 1 } }");
        File.WriteAllText(dir.File("c.json"), "{ \"model\": ");
        File.WriteAllText(dir.File("d.json"), "{ \"model\": \"no-such-model\", \"time\": { \"end\": 1 } }");
        File.WriteAllText(dir.File("e.json"), "{ \"model\": 3 }");
        foreach (string f in new[] { "a.json", "b.json", "c.json", "d.json", "e.json" })
            Assert.False(EarlyActorSystem.DynamicCodeCanBeOff(["run", dir.File(f), "--out", "o"]));
    }
}
