using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorSim.Cli.Dashboard;
using ActorSim.Cli.Tests.Cluster;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Dashboard;

/// <summary>
/// The dashboard of a sweep (<see cref="SweepMonitorSource"/>): a real sweep directory served by the real web server on
/// a free loopback port lists every member with its swept values, status, progress and wall time, and pushes the
/// changed list as the server-sent event <c>sweep</c>; in headless chromium, <c>actorsim dashboard --sweep DIR</c> shows
/// the members' table.
/// </summary>
public sealed class SweepDashboardTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_dashboard_lists_a_sweeps_members_with_values_status_progress_and_wall_time()
    {
        using var dir = new ScratchDir();
        var sweep = ActorsimProcess.Run(dir.Path, "sweep", "scenarios/may-nowak-ode.json", "--out", "out/s", "-q", "--jobs", "2",
            "--set", "parameters.beta=0.001,0.002,0.003", "--set", "time.end=5");
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        string member2 = Directory.GetDirectories(dir.File("out/s")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()[2]!;

        // Interval: an hour, so that only Refresh() (below) reads the directory again.
        await using var source = new SweepMonitorSource(dir.File("out/s"), TimeSpan.FromHours(1));
        await using var server = await DashboardServer.StartAsync(source, DashboardSettings.From(null, 0, null));
        using var http = new HttpClient { BaseAddress = server.Url };
        var snapshot = JsonNode.Parse(await http.GetStringAsync("/api/snapshot"))!;
        var view = snapshot["sweep"]!;
        Assert.Equal(3, (int)view["total"]!);
        Assert.Equal(3, (int)view["done"]!);
        var members = view["members"]!.AsArray().Select(m => m!.AsObject()).ToList();
        Assert.Equal(["parameters.beta=0.001", "parameters.beta=0.002", "parameters.beta=0.003"], members.Select(m => (string?)m["values"]![0]));
        Assert.All(members, m => Assert.Single(m["values"]!.AsArray()));   // time.end, the same for all, is not a swept value
        Assert.All(members, m => Assert.Equal("completed", (string?)m["status"]));
        Assert.All(members, m => Assert.Equal(1.0, (double)m["progress"]!));
        double wall = (double)JsonNode.Parse(File.ReadAllText(dir.File($"out/s/{member2}/run.json")))!["wall_time_seconds"]!;
        Assert.Equal(wall, (double)members[2]["wall_s"]!);
        Assert.Equal(member2, (string?)members[2]["name"]);
        var page = await http.GetStringAsync("/");
        Assert.Contains("id=\"sweep-members\"", page);

        // The third member starts again (no run.json yet, a monitor record half-way): pushed as "sweep", running at 0.5.
        using var sse = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await sse.Content.ReadAsStreamAsync());
        Assert.Equal("event: hello", await reader.ReadLineAsync());
        File.Delete(dir.File($"out/s/{member2}/run.json"));
        File.WriteAllText(dir.File($"out/s/{member2}/monitor.jsonl"),
            "{\"run\":{\"run_id\":\"r\"}}\n{\"record\":{\"run_id\":\"r\",\"step\":10,\"t\":2.5,\"t_end\":5,\"progress\":0.5,\"wall_s\":0.25}}\n");
        source.Refresh();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null && line != "event: sweep") { }
        var pushed = JsonNode.Parse((await reader.ReadLineAsync(timeout.Token))!["data: ".Length..])!;
        Assert.Equal(2, (int)pushed["done"]!);
        Assert.Equal(1, (int)pushed["running"]!);
        var running = pushed["members"]![2]!;
        Assert.Equal("running", (string?)running["status"]);
        Assert.Equal(0.5, (double)running["progress"]!);
        Assert.Equal(0.25, (double)running["wall_s"]!);
    }

    [SkippableFact]
    public async Task A_browser_sees_the_members_of_a_sweep_directory_with_their_values_and_status()
    {
        DashboardTests.RequireBrowser();
        using var dir = new ScratchDir();
        var sweep = ActorsimProcess.Run(dir.Path, "sweep", "scenarios/may-nowak-ode.json", "--out", "out/s", "-q",
            "--set", "parameters.beta=0.001,0.002", "--set", "run.seed=1:2:1", "--set", "time.end=5");
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        using var served = LiveProcess.Actorsim("dashboard", ["dashboard", "--sweep", "out/s", "--port", "0"], new Dictionary<string, string>(), dir.Path);
        var line = await served.WaitForLineAsync(l => l.StartsWith("Dashboard: http", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        string url = line["Dashboard: ".Length..].Split(' ')[0];
        string results = Path.Combine(RepoRoot.Path, "tests", "ActorSim.Cli.Tests", "TestResults");
        Directory.CreateDirectory(results);
        string screenshot = Path.Combine(results, "dashboard-sweep.png");
        if (File.Exists(screenshot)) File.Delete(screenshot);

        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepoRoot.Path, "tests", "ActorSim.Cli.Tests", "browser") };
        foreach (var a in new[] { "sweep-check.mjs", url, screenshot, "4", "completed", "60" }) psi.ArgumentList.Add(a);
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"browser: {await stdout}{await stderr}");
        Assert.True(node.ExitCode == 0, $"the browser check failed:\n{await stdout}\n{await stderr}\n--- actorsim\n{served.StdOut}\n{served.StdErr}");
        var seen = JsonNode.Parse((await stdout).Trim().Split('\n')[^1])!;
        Assert.EndsWith("4/4 done, 0 running, 0 failed", (string?)seen["summary"]);
        var members = seen["members"]!.AsArray().Select(m => m!.AsObject()).ToList();
        Assert.Equal(["parameters.beta=0.001, run.seed=1", "parameters.beta=0.001, run.seed=2", "parameters.beta=0.002, run.seed=1",
            "parameters.beta=0.002, run.seed=2"], members.Select(m => (string?)m["values"]));
        Assert.All(members, m => Assert.Equal("100 %", (string?)m["progress"]));
        Assert.All(members, m => Assert.Matches(@"^[0-9.]+ (ms|s)$", (string?)m["wall"]));
        Assert.True(File.Exists(screenshot), $"no screenshot at {screenshot}");

        served.Terminate();
        Assert.Equal(0, await served.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Dashboard_needs_a_cluster_or_a_sweep_directory()
    {
        using var dir = new ScratchDir();
        var neither = ActorsimProcess.Run(dir.Path, "dashboard");
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("either --cluster CONFIG or --sweep DIR", neither.StdErr);
        var notASweep = ActorsimProcess.Run(dir.Path, "dashboard", "--sweep", "scenarios");
        Assert.Equal(2, notASweep.ExitCode);
        Assert.Contains("not a sweep directory", notASweep.StdErr);
    }
}
