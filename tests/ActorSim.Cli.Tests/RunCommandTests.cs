using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests;

public class RunCommandTests
{
    [Fact]
    public void Run_writes_the_time_series_and_run_record()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode.json", "--out", "out");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("\u001b[", r.StdOut);   // no progress bar when output is redirected
        Assert.Contains("Run completed", r.StdOut);

        string csvPath = dir.File("out/timeseries.csv");
        var lines = File.ReadAllLines(csvPath);
        Assert.Equal("t,u,v,w", lines[0]);
        Assert.Equal(801 + 1, lines.Length);          // t = 0, 0.5, …, 400 plus the header
        Assert.Equal("0,100,0,1", lines[1]);
        Assert.StartsWith("400,", lines[^1]);

        var run = JsonNode.Parse(File.ReadAllText(dir.File("out/run.json")))!;
        Assert.Equal("completed", (string)run["status"]!);
        Assert.Equal("may-nowak-ode", (string)run["scenario"]!["model"]!);
        Assert.False(string.IsNullOrEmpty((string?)run["actorsim_version"]));
        Assert.Equal(1, (int)run["blocks"]!);
        Assert.True((double)run["wall_time_seconds"]! > 0);
        Assert.True((long)run["steps"]! > 10);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(csvPath))), (string)run["results_sha256"]!);
        Assert.Equal(8.0, (double)run["analysis"]!["R0"]!, 12);
        Assert.Equal(350.0, (double)run["analysis"]!["Q_star"]!["w"]!, 9);
        Assert.Equal(100.0, (double)run["analysis"]!["Q0"]!["u"]!, 12);
        Assert.Equal(350.0, (double)run["final_state"]!["w"]!, 2);
    }

    [Fact]
    public void Repeated_runs_are_bit_identical()
    {
        using var dir = new ScratchDir();
        Assert.Equal(0, ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode-cleared.json", "--out", "a", "-q").ExitCode);
        Assert.Equal(0, ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode-cleared.json", "--out", "b", "-q").ExitCode);
        Assert.Equal(File.ReadAllBytes(dir.File("a/timeseries.csv")), File.ReadAllBytes(dir.File("b/timeseries.csv")));
        var a = JsonNode.Parse(File.ReadAllText(dir.File("a/run.json")))!;
        var b = JsonNode.Parse(File.ReadAllText(dir.File("b/run.json")))!;
        Assert.Equal((string)a["results_sha256"]!, (string)b["results_sha256"]!);
        Assert.Null(a["analysis"]!["Q_star"]);
    }

    [Fact]
    public void A_non_empty_output_directory_is_refused_unless_forced()
    {
        using var dir = new ScratchDir();
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File("out/notes.txt"), "mine");
        var refused = ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode-cleared.json", "--out", "out");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("out: the output directory exists and is not empty", refused.StdErr);
        Assert.Contains("--force", refused.StdErr);
        Assert.False(File.Exists(dir.File("out/timeseries.csv")));

        var forced = ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode-cleared.json", "--out", "out", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(File.Exists(dir.File("out/timeseries.csv")));
        Assert.Equal("mine", File.ReadAllText(dir.File("out/notes.txt")));   // --force removes only run outputs
    }

    [Fact]
    public void An_invalid_scenario_is_rejected_before_anything_runs()
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File("bad.json"), File.ReadAllText(dir.File("scenarios/may-nowak-ode.json")).Replace("\"beta\": 0.002", "\"beta\": -0.1"));
        var r = ActorsimProcess.Run(dir.Path, "run", "bad.json", "--out", "out");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.json: $.parameters.beta: -0.1 is not allowed", r.StdErr);
        Assert.False(Directory.Exists(dir.File("out")));

        var v = ActorsimProcess.Run(dir.Path, "validate", "bad.json");
        Assert.Equal(2, v.ExitCode);
        Assert.Contains("invalid scenario (1 problem)", v.StdErr);
    }

    [Fact]
    public void Validate_accepts_the_shipped_scenarios()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "validate", "scenarios/may-nowak-ode.json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("valid — model may-nowak-ode", r.StdOut);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run --help")]
    [InlineData("validate --help")]
    public void Help_is_available_everywhere(string args)
    {
        var r = ActorsimProcess.Run(RepoRoot.Path, args.Split(' '));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:", r.StdOut);
    }

    [Fact]
    public void Missing_out_option_is_a_usage_error()
    {
        var r = ActorsimProcess.Run(RepoRoot.Path, "run", "scenarios/may-nowak-ode.json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--out", r.StdErr);
        Assert.Contains("actorsim --help", r.StdErr);
    }
}

public class ReadmeValidateExampleTests
{
    [Fact]
    public void The_commands_page_s_validate_example_shows_what_validate_prints()
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File("bad.json"), File.ReadAllText(dir.File("scenarios/may-nowak-ode.json"))
            .Replace("\"beta\": 0.002", "\"beta\": -0.1").Replace("\"end\": 400.0", "\"end\": 0").Replace("\"output_interval\"", "\"output_intervall\""));
        var r = ActorsimProcess.Run(dir.Path, "validate", "bad.json");
        Assert.Equal(2, r.ExitCode);
        string readme = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "commands.md"));
        var printed = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(4, printed.Length);
        foreach (var line in printed) Assert.Contains(line, readme);
    }
}
