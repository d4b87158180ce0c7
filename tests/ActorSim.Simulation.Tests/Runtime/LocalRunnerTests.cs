using System.Text.Json.Nodes;
using ActorSim.Actors;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Runtime;

public sealed class LocalRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-runner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Scenario Load(string name) => ScenarioLoader.Load(Path.Combine(RepoRoot.Path, "scenarios", name));

    [Fact]
    public async Task Endemic_scenario_ends_at_Q_star()
    {
        var s = Load("may-nowak-ode.json");
        var progress = new List<RunProgress>();
        var r = await LocalRunner.RunAsync(s, new RunOptions(Path.Combine(_dir, "out")), p => { lock (progress) progress.Add(p); });
        Assert.Equal(RunStatus.Completed, r.Status);
        Assert.Equal(400.0, r.FinalTime);
        Assert.Equal(12.5, r.FinalState["u"], 3);
        Assert.Equal(17.5, r.FinalState["v"], 3);
        Assert.Equal(350.0, r.FinalState["w"], 2);
        Assert.Equal(801, r.Rows);
        Assert.Equal(801, progress.Count);
        Assert.Equal(progress.Select(p => p.T).Order(), progress.Select(p => p.T));   // in order
    }

    [Fact]
    public async Task A_run_on_a_prestarted_actor_system_gives_the_same_bits_and_an_unused_one_is_shut_down()
    {
        var s = Load("may-nowak-ode.json");
        var plain = await LocalRunner.RunAsync(s, new RunOptions(Path.Combine(_dir, "plain")));
        RunResult early;
        await using (var prestart = new ActorSystemPrestart(null))
            early = await LocalRunner.RunAsync(s, new RunOptions(Path.Combine(_dir, "early")) { Prestart = prestart });
        Assert.Equal(RunStatus.Completed, early.Status);
        Assert.Equal(plain.ResultsSha256, early.ResultsSha256);
        Assert.Equal(plain.Rows, early.Rows);

        // Taken once only; one that no run took (bad input) is shut down on disposal, which does not hang.
        var unused = new ActorSystemPrestart(null);
        var system = await unused.TakeAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => unused.TakeAsync());
        await system.ShutdownAsync(TimeSpan.FromSeconds(10));
        var untaken = new ActorSystemPrestart(null);
        await untaken.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await untaken.DisposeAsync();
    }

    [Fact]
    public async Task Runs_on_a_shared_actor_system_give_the_same_bits_and_a_failing_one_fails_alone()
    {
        var s = Load("may-nowak-ode.json");
        var plain = await LocalRunner.RunAsync(s, new RunOptions(Path.Combine(_dir, "plain")));
        var system = ActorRuntime.CreateLocal("shared-test");
        try
        {
            // Two good runs and a failing one at the same time on one system.
            var runs = new[] { "a", "b" }.Select(n => Task.Run(() => LocalRunner.RunAsync(s, new RunOptions(Path.Combine(_dir, n)) { SharedSystem = system }))).ToArray();
            var failing = Task.Run(() => LocalRunner.RunModelAsync(s, new FailingModel(failAt: 3.0), new RunOptions(Path.Combine(_dir, "failing")) { SharedSystem = system }));
            var ex = await Assert.ThrowsAsync<RunFailedException>(() => failing);
            Assert.Contains("/coordinator", ex.Message);
            Assert.Contains("integrator gave up at t = 3", ex.Message);
            Assert.Equal("failed", (string)JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "failing", "run.json")))!["status"]!);
            foreach (var run in runs)
            {
                var r = await run;
                Assert.Equal(RunStatus.Completed, r.Status);
                Assert.Equal(plain.ResultsSha256, r.ResultsSha256);
                Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "plain", "timeseries.csv")), File.ReadAllBytes(Path.Combine(r.OutputDirectory, "timeseries.csv")));
            }
            Assert.False(system.WhenFaulted().IsCompleted); // the failure stayed with its run
            // A run after the failure still runs on the system.
            Assert.Equal(plain.ResultsSha256, (await LocalRunner.RunAsync(s, new RunOptions(Path.Combine(_dir, "c")) { SharedSystem = system })).ResultsSha256);
            // Every run's actors are stopped with it: no run's root is left under /user (a sweep of thousands keeps none).
            bool gone = false;
            for (int i = 0; i < 100 && !gone; i++)
            {
                try
                {
                    await system.ActorSelection("/user/run-*").ResolveOne(TimeSpan.FromMilliseconds(500));
                    await Task.Delay(50); // one is still stopping
                }
                catch (Akka.Actor.ActorNotFoundException)
                {
                    gone = true;
                }
            }
            Assert.True(gone, "a run's actors were left on the shared system");
        }
        finally
        {
            await system.ShutdownAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Cleared_scenario_ends_at_Q0()
    {
        var r = await LocalRunner.RunAsync(Load("may-nowak-ode-cleared.json"), new RunOptions(Path.Combine(_dir, "out")));
        Assert.Equal(100.0, r.FinalState["u"], 3);
        Assert.InRange(r.FinalState["v"], 0.0, 1e-6);
        Assert.InRange(r.FinalState["w"], 0.0, 1e-6);
    }

    [Fact]
    public async Task A_failing_model_ends_the_run_with_a_clear_error_and_a_failed_run_record()
    {
        var s = Load("may-nowak-ode.json");
        string outDir = Path.Combine(_dir, "out");
        var ex = await Assert.ThrowsAsync<RunFailedException>(() => LocalRunner.RunModelAsync(s, new FailingModel(failAt: 3.0), new RunOptions(outDir)));
        Assert.Contains("/user/coordinator", ex.Message);
        Assert.Contains("AdvanceOutput", ex.Message);
        Assert.Contains("integrator gave up at t = 3", ex.Message);
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")))!;
        Assert.Equal("failed", (string)run["status"]!);
        Assert.Contains("integrator gave up at t = 3", (string)run["error"]!);
        // The rows before the failure are kept.
        Assert.True(File.ReadAllLines(Path.Combine(outDir, "timeseries.csv")).Length >= 2);
    }

    [Fact]
    public async Task Cancellation_stops_the_run_and_keeps_the_outputs()
    {
        var s = Load("may-nowak-ode.json");
        using var cts = new CancellationTokenSource();
        var model = new FailingModel(failAt: double.PositiveInfinity, onAdvance: t => { if (t >= 10) cts.Cancel(); });
        string outDir = Path.Combine(_dir, "out");
        var r = await LocalRunner.RunModelAsync(s, model, new RunOptions(outDir), cancellation: cts.Token);
        Assert.Equal(RunStatus.Cancelled, r.Status);
        Assert.InRange(r.FinalTime, 10.0, 400.0 - 1);
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")))!;
        Assert.Equal("cancelled", (string)run["status"]!);
        Assert.Equal(r.Rows + 1, File.ReadAllLines(Path.Combine(outDir, "timeseries.csv")).Length);
    }

    /// <summary>x' = 1 that throws once it reaches <c>failAt</c>.</summary>
    private sealed class FailingModel(double failAt, Action<double>? onAdvance = null) : ICoordinatorModel
    {
        private double _t;
        public IReadOnlyList<string> Columns { get; } = ["x"];
        public double Time => _t;
        public void AdvanceTo(double t)
        {
            if (t >= failAt) throw new InvalidOperationException($"integrator gave up at t = {t}");
            _t = t;
            onAdvance?.Invoke(t);
        }
        public void ReadState(Span<double> values) => values[0] = _t;
        public StepCounters Counters => new((long)_t, 0, 0);
        public JsonObject Analysis() => new();
    }
}
