using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace ActorSim.Cli.Tests;

/// <summary>The terminal progress bar: its ETA from the recent rate, and the bar itself under a pseudo-terminal.</summary>
public class ProgressDisplayTests
{
    [Fact]
    public void The_ETA_follows_the_recent_rate()
    {
        var e = new ProgressEstimate(end: 100, windowSeconds: 5);
        e.EtaSeconds.Should().BeNull("nothing has moved yet");
        for (int s = 0; s <= 10; s++) e.Add(s, 2 * s);       // 2 units of t per second
        e.EtaSeconds.Should().BeApproximately((100 - 20) / 2.0, 1e-9);
        for (int s = 11; s <= 20; s++) e.Add(s, 20 + 8 * (s - 10)); // then 8 per second: only the last 5 s count
        e.T.Should().Be(100);
        e.EtaSeconds.Should().Be(0);
        var slow = new ProgressEstimate(end: 100, windowSeconds: 5);
        for (int s = 0; s <= 10; s++) slow.Add(s, 8 * s);
        for (int s = 11; s <= 20; s++) slow.Add(s, 80 + 0.5 * (s - 10));
        slow.EtaSeconds.Should().BeApproximately((100 - 85) / 0.5, 1e-9, "the rate of the last 5 seconds, not the average");
        slow.Fraction.Should().Be(0.85);
        ProgressEstimate.Clock(7.4).Should().Be("0:07");
        ProgressEstimate.Clock(754).Should().Be("12:34");
        ProgressEstimate.Clock(3723).Should().Be("1:02:03");
    }

    [Fact]
    public void Under_a_terminal_the_bar_advances_between_outputs_with_elapsed_and_ETA_columns()
    {
        if (!File.Exists("/usr/bin/script")) Assert.Fail("util-linux 'script' (/usr/bin/script) is needed to run actorsim under a pseudo-terminal");
        using var scratch = new ScratchDir();
        // One output row at the end: the bar must move from the step records, not only at outputs.
        var scenario = JsonNode.Parse(File.ReadAllText(scratch.File("scenarios/virus-pde-2d-pattern.json")))!;
        scenario["time"]!["output_interval"] = scenario["time"]!["end"]!.GetValue<double>();
        File.WriteAllText(scratch.File("one-output.json"), scenario.ToJsonString());

        string command = $"dotnet '{ActorsimProcess.Dll}' run one-output.json --out out --no-plots";
        var psi = new ProcessStartInfo("/usr/bin/script")
        {
            WorkingDirectory = scratch.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string a in new[] { "-qfec", command, "/dev/null" }) psi.ArgumentList.Add(a);
        psi.Environment.Remove("CI");
        psi.Environment["TERM"] = "xterm-256color";
        psi.Environment["COLUMNS"] = "160";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit(TimeSpan.FromMinutes(3)).Should().BeTrue("the run ends");
        p.ExitCode.Should().Be(0, stdout.Result + stderr.Result);

        string screen = Regex.Replace(stdout.Result, @"\x1b\[[0-9;?]*[A-Za-z]", "");
        var frames = screen.Split('\r', '\n').Where(l => l.Contains("elapsed")).ToList();
        frames.Should().NotBeEmpty("the bar is drawn on a terminal for a run longer than a second:\n" + screen);
        frames.Should().OnlyContain(f => Regex.IsMatch(f, @"elapsed \d+:\d\d") && Regex.IsMatch(f, @"ETA (\d+:\d\d|…)"));
        var percents = frames.Select(f => Regex.Match(f, @"(\d+)%")).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        percents.Should().BeInAscendingOrder();
        percents.Where(v => v is > 0 and < 100).Distinct().Should().HaveCountGreaterThanOrEqualTo(3,
            "with a single output the bar still advances during the run: " + string.Join(", ", percents.Distinct()));
    }
}
