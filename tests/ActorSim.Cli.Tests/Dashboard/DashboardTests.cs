using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ActorSim.Cli.Dashboard;
using ActorSim.Cli.Tests.Cluster;
using ActorSim.Simulation.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Dashboard;

/// <summary>
/// The dashboard and status commands: <c>status --json</c> carries every field of the per-step record; the web server
/// (real Kestrel on a free loopback port) refuses a non-loopback bind without a token and a request without the token;
/// OTLP metrics reach a collector; and a headless chromium sees a running run's dashboard advance.
/// </summary>
public sealed class DashboardTests(ITestOutputHelper output)
{
    [Fact]
    public void Status_json_of_a_run_directory_has_every_field_of_the_step_record()
    {
        using var dir = new ScratchDir();
        var run = ActorsimProcess.Run(dir.Path, "run", "scenarios/virus-pde-1d-unstable.json", "--out", "out/taxis", "--quiet", "--no-plots");
        Assert.True(run.ExitCode == 0, run.ToString());
        var status = ActorsimProcess.Run(dir.Path, "status", "out/taxis", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());

        var json = JsonNode.Parse(status.StdOut)!.AsObject();
        var r = json["runs"]!.AsArray().Single()!.AsObject();
        Assert.Equal("completed", (string?)r["status"]);
        Assert.Equal("virus-pde", (string?)r["info"]!["model"]);
        var latest = r["latest"]!.AsObject();
        foreach (var field in StepRecord.JsonFieldNames)
            Assert.True(latest.ContainsKey(field), $"status --json lacks {field}: {latest.ToJsonString()}");
        Assert.Equal(StepRecord.JsonFieldNames.Order(), latest.Select(kv => kv.Key).Order()); // and nothing else
        Assert.Equal(1.0, (double)latest["progress"]!);
        Assert.Equal((string?)r["info"]!["run_id"], (string?)latest["run_id"]);
        Assert.True(latest["state"]!.AsObject().ContainsKey("int_u"));
        Assert.Contains(r["events"]!.AsArray(), e => (string?)e!["kind"] == "completed");

        var table = ActorsimProcess.Run(dir.Path, "status", "out/taxis");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("100.0 %", table.StdOut);
        Assert.Equal(2, ActorsimProcess.Run(dir.Path, "status", "nowhere").ExitCode);
    }

    [Fact]
    public void A_non_loopback_bind_without_a_token_is_refused_with_exit_code_2()
    {
        using var dir = new ScratchDir();
        var refused = ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode.json", "--out", "out/x", "--dashboard", "--dashboard-bind", "0.0.0.0");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("needs a token", refused.StdErr);
        Assert.False(File.Exists(dir.File("out/x/run.json")), "nothing runs when the dashboard is refused");
        var dashboard = ActorsimProcess.Run(dir.Path, "dashboard", "--cluster", "no-such-config.json", "--bind", "0.0.0.0");
        Assert.Equal(2, dashboard.ExitCode);
        Assert.Contains("needs a token", dashboard.StdErr);

        Assert.Throws<DashboardConfigException>(() => DashboardSettings.From("10.1.2.3", 0, null));
        Assert.Equal("secret-token-1", DashboardSettings.From("0.0.0.0", 0, "secret-token-1").Token);
        Assert.Null(DashboardSettings.From(null, 0, null).Token);
    }

    [Fact]
    public async Task With_a_token_every_request_needs_it()
    {
        var monitor = new RunMonitor(new RunInfo("r1", "heat", "heat.json", 1, 2, "in-process"));
        monitor.Add(new StepRecord { Step = 3, T = 0.5, TEnd = 1, Progress = 0.5 });
        await using var source = new LocalMonitorSource(monitor);
        var settings = DashboardSettings.From("127.0.0.1", 0, "test-token-123");
        await using var server = await DashboardServer.StartAsync(source, settings);
        using var http = new HttpClient { BaseAddress = server.Url };

        foreach (var path in new[] { "/", "/api/snapshot", "/api/events", "/app.js" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/snapshot?token=wrong-token-123")).StatusCode);

        var page = await http.GetAsync("/?token=test-token-123");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>ActorSim dashboard</title>", await page.Content.ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/snapshot");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "test-token-123");
        var snapshot = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        var json = JsonNode.Parse(await snapshot.Content.ReadAsStringAsync())!;
        Assert.Equal(3, (long)json["runs"]![0]!["latest"]!["step"]!);
        Assert.Single(json["nodes"]!.AsArray());

        // The live stream: a new record arrives as an SSE "record" event.
        using var sse = await http.GetAsync("/api/events?token=test-token-123", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", sse.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await sse.Content.ReadAsStreamAsync());
        Assert.Equal("event: hello", await reader.ReadLineAsync());
        monitor.Add(new StepRecord { Step = 4, T = 0.6, TEnd = 1, Progress = 0.6 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("data: {\"run_id\"", StringComparison.Ordinal)) { }
        Assert.Contains("\"step\":4", line);

        // Without a token the default loopback server answers everyone on this machine.
        await using var open = await DashboardServer.StartAsync(source, DashboardSettings.From(null, 0, null));
        Assert.Equal(HttpStatusCode.OK, (await new HttpClient().GetAsync(new Uri(open.Url, "/api/snapshot"))).StatusCode);
        Assert.Equal(IPAddress.Loopback.ToString(), open.Url.Host);
    }

    [Fact]
    public async Task Metrics_reach_an_OTLP_collector()
    {
        // A tiny OTLP/HTTP receiver: Kestrel on a free loopback port, POST /v1/metrics with a protobuf body.
        var bodies = new List<byte[]>();
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var copy = new MemoryStream();
            await request.Body.CopyToAsync(copy);
            lock (bodies) bodies.Add(copy.ToArray());
            if (request.ContentType == "application/x-protobuf" && System.Text.Encoding.UTF8.GetString(copy.ToArray()).Contains("actorsim.run.progress")) got.TrySetResult();
            return Results.Ok();
        });
        await app.StartAsync();
        string url = app.Urls.First();

        var monitor = new RunMonitor(new RunInfo("r-otlp", "heat", "heat.json", 1, 2, "in-process"));
        using (var telemetry = Telemetry.Start(false, url, "actorsim-test", TimeSpan.FromMilliseconds(200))!)
        {
            Assert.Equal(new Uri(url.TrimEnd('/') + "/v1/metrics"), telemetry.Endpoint);
            using var tracked = telemetry.Metrics.Track(monitor);
            monitor.Add(new StepRecord { Step = 5, T = 0.25, TEnd = 1, Progress = 0.25, Imbalance = 1.5 });
            await got.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        Assert.Null(Telemetry.Start(false, null, "off")); // off by default
    }

    /// <summary>
    /// The browser check, reusable for any command that serves a dashboard (e.g. a cluster run with <c>--dashboard</c>):
    /// starts it, waits for the printed URL, and runs <c>browser/dashboard-check.mjs</c> in headless Debian chromium, which
    /// checks that a node is listed, the progress value advances and an event of <paramref name="eventKind"/> shows up,
    /// and saves a screenshot into tests/ActorSim.Cli.Tests/TestResults/.
    /// </summary>
    internal static async Task<JsonObject> CheckDashboardInBrowserAsync(LiveProcess served, string eventKind, string screenshotName, ITestOutputHelper output, string mode = "live")
    {
        var line = await served.WaitForLineAsync(l => l.StartsWith("Dashboard: http", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        string url = line["Dashboard: ".Length..].Split(' ')[0];
        return await CheckPageInBrowserAsync(url, eventKind, screenshotName, output, mode, 60, () => $"--- actorsim\n{served.StdOut}\n{served.StdErr}");
    }

    /// <summary>Runs <c>browser/dashboard-check.mjs</c> on the page at <paramref name="url"/>; fails with what it printed.</summary>
    internal static async Task<JsonObject> CheckPageInBrowserAsync(string url, string eventKind, string screenshotName, ITestOutputHelper output, string mode,
        int timeoutSeconds, Func<string> describeServer)
    {
        string results = Path.Combine(RepoRoot.Path, "tests", "ActorSim.Cli.Tests", "TestResults");
        Directory.CreateDirectory(results);
        string screenshot = Path.Combine(results, screenshotName);
        if (File.Exists(screenshot)) File.Delete(screenshot);

        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BrowserDirectory };
        foreach (var a in new[] { "dashboard-check.mjs", url, screenshot, eventKind, timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), mode })
            psi.ArgumentList.Add(a);
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"browser: {await stdout}{await stderr}");
        Assert.True(node.ExitCode == 0, $"the browser check failed:\n{await stdout}\n{await stderr}\n{describeServer()}");
        Assert.True(File.Exists(screenshot), $"no screenshot at {screenshot}");
        Console.WriteLine($"dashboard screenshot: {screenshot}");
        output.WriteLine($"dashboard screenshot: {screenshot}");
        return JsonNode.Parse((await stdout).Trim().Split('\n')[^1])!.AsObject();
    }

    private static string BrowserDirectory => Path.Combine(RepoRoot.Path, "tests", "ActorSim.Cli.Tests", "browser");

    /// <summary>Skips (or, with CI=true, fails) when chromium or the script's npm packages are missing.</summary>
    internal static void RequireBrowser()
    {
        string chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        string? missing = !File.Exists(chromium) ? $"{chromium} (Debian: apt-get install chromium chromium-driver)"
            : !Directory.Exists(Path.Combine(BrowserDirectory, "node_modules", "playwright-core")) ? $"playwright-core (cd {BrowserDirectory} && npm ci)"
            : null;
        if (missing is null) return;
        if (Environment.GetEnvironmentVariable("CI") is "true" or "1")
            throw new InvalidOperationException($"the dashboard browser test needs {missing}; tests/run-all.sh installs it");
        Skip.If(true, $"the dashboard browser test needs {missing}");
    }

    [SkippableFact]
    public async Task A_browser_sees_the_nodes_the_advancing_progress_and_a_checkpoint_event_of_a_running_run()
    {
        RequireBrowser();
        using var dir = new ScratchDir();
        // The 2D pattern scenario, long enough (about 20 s alone) to be watched, with a checkpoint every 5000 steps.
        var scenario = JsonNode.Parse(File.ReadAllText(dir.File("scenarios/virus-pde-2d-pattern.json")))!.AsObject();
        scenario["time"]!["end"] = 200.0;
        scenario["time"]!["output_interval"] = 5.0;
        scenario["run"]!["checkpoint"] = new JsonObject { ["steps"] = 5000 };
        File.WriteAllText(dir.File("watched.json"), scenario.ToJsonString());

        using var run = LiveProcess.Actorsim("run", ["run", "watched.json", "--out", "out/watched", "--no-plots", "--dashboard", "--dashboard-port", "0"],
            new Dictionary<string, string>(), dir.Path);
        var seen = await CheckDashboardInBrowserAsync(run, "checkpoint", "dashboard.png", output);

        Assert.Contains(seen["nodes"]!.AsArray(), n => ((string?)n)!.StartsWith("local", StringComparison.Ordinal));
        var progress = seen["progress"]!.AsArray().Select(p => (double)p!).ToArray();
        Assert.True(progress[1] > progress[0], $"progress {progress[0]} -> {progress[1]}");
        Assert.Contains("checkpoint at step", (string?)seen["event"]);

        // The physics: one chart per family with its own labelled axis.
        var families = seen["families"]!.AsArray().Select(f => f!.AsObject()).ToList();
        Assert.Equal(["int", "extremes_u", "extremes_v", "extremes_w"], families.Select(f => (string?)f["family"]));
        Assert.All(families, f => Assert.True((bool)f["drawn"]!, $"{f["family"]} has a chart"));
        Assert.Equal(["∫ · dx", "u [u]", "v [v]", "w [w]"], families.Select(f => (string?)f["y_label"]));
        Assert.All(families, f => Assert.Equal("t [T]", (string?)f["x_label"]));
        // The heatmap is in the domain's coordinates (Lx = Ly = 4), with a colour bar.
        var heatmap = seen["field"]!["heatmap"]!.AsObject();
        Assert.Equal("x [L]", (string?)heatmap["x_label"]);
        Assert.Equal("y [L]", (string?)heatmap["y_label"]);
        Assert.StartsWith("u, healthy cells", (string?)heatmap["value_label"]);
        Assert.Matches(@"^[-0-9.e]+\.\.[-0-9.e]+$", (string?)heatmap["colorbar"]);
        Assert.Equal("live", (string?)seen["connection"]);
    }

    [SkippableFact]
    public async Task After_a_particle_run_the_page_says_done_shows_deviations_and_explains_the_missing_field()
    {
        RequireBrowser();
        using var dir = new ScratchDir();
        using var run = LiveProcess.Actorsim("run", ["run", "scenarios/muscle-deformation-2d.json", "--out", "out/p", "--no-plots", "--dashboard",
            "--dashboard-port", "0", "--dashboard-linger", "60"], new Dictionary<string, string>(), dir.Path);
        var seen = await CheckDashboardInBrowserAsync(run, "completed", "dashboard-done.png", output, mode: "done");

        Assert.Equal("done", (string?)seen["connection"]);
        Assert.Equal("completed", (string?)seen["run_status"]);
        string eta = (string?)seen["eta"] ?? "";
        Assert.EndsWith("done", eta);
        Assert.DoesNotContain("ETA", eta);
        Assert.DoesNotContain("µs", eta);

        var families = seen["families"]!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => (string)f["family"]!);
        Assert.Equal(["y", "ydot", "conserved", "drift"], families.Keys);
        Assert.Equal("deviation", (string?)families["conserved"]["kind"]);
        // Energy and angular momentum drift from round-off (1e-15 … 1e-10): |Q - Q0| / |Q0| on a log axis.
        Assert.Equal("log", (string?)families["conserved"]["scale"]);
        Assert.Equal("|Q(t) − Q(0)| / |Q(0)|", (string?)families["conserved"]["y_label"]);
        Assert.Equal("linear", (string?)families["y"]["scale"]);
        Assert.Equal("y [y]", (string?)families["y"]["y_label"]);
        Assert.Equal("y' [y]/T", (string?)families["ydot"]["y_label"]);

        Assert.Equal("none", (string?)seen["field"]!["state"]);
        Assert.Contains("no field snapshot", (string?)seen["field"]!["note"]);
    }
}
