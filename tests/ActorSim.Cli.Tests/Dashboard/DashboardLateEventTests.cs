using ActorSim.Cli.Dashboard;
using ActorSim.Simulation.Monitoring;
using ActorSim.Simulation.Runtime.Cluster;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Dashboard;

/// <summary>
/// A page must not lose what is published while it loads: an event that goes out right after the page's snapshot was
/// taken (a cluster poll merging a recovery while chromium is still starting the live stream) must still reach it.
/// The page opens the live stream first and takes the snapshot once the server has subscribed it; a page that fetched
/// the snapshot first never sees such an event (the CI failure of 2026-12-07: a recovery event missing from the
/// dashboard of a cluster run whose worker was killed while the browser started).
/// </summary>
public sealed class DashboardLateEventTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task An_event_published_just_after_the_page_took_its_snapshot_still_appears()
    {
        DashboardTests.RequireBrowser();
        await using var source = new LateEventSource();
        await using var server = await DashboardServer.StartAsync(source, DashboardSettings.From(null, 0, null));

        var seen = await DashboardTests.CheckPageInBrowserAsync(server.Url.ToString(), "recovery", "dashboard-late-event.png", output, mode: "done",
            timeoutSeconds: 30, () => $"--- snapshots taken: {source.Snapshots}, subscribers when the event went out: {source.SubscribersAtEvent}");

        Assert.Contains("continues in epoch 1", (string?)seen["event"]);
        Assert.True(source.SubscribersAtEvent >= 1, "the page had not subscribed to the live stream when it took its snapshot");
    }

    /// <summary>
    /// A finished run (so the check's "done" mode applies) whose first full snapshot is followed at once by a new event,
    /// published to whoever is subscribed at that moment, as <see cref="ClusterMonitorSource"/> does after a poll.
    /// </summary>
    private sealed class LateEventSource : IMonitorSource
    {
        private readonly RunMonitor _monitor = new(new RunInfo("r-late", "heat", "heat.json", 1, 2, "cluster"));
        private readonly List<Action<string, object>> _subscribers = new();
        private readonly NodeStatus _node = new("node-1", ["worker"], true, 2, "test", 10, 100 << 20, [], []);
        private int _snapshots;

        public LateEventSource()
        {
            _monitor.Add(new StepRecord { Step = 10, T = 1, TEnd = 1, Progress = 1, WallS = 2 });
            _monitor.AddEvent(new RunEvent(RunEventKinds.Completed, DateTimeOffset.UtcNow.AddSeconds(-1), 10, 1, "run completed"));
        }

        public int Snapshots => Volatile.Read(ref _snapshots);

        public int SubscribersAtEvent { get; private set; } = -1;

        public MonitorView Snapshot(int maxRecords = 0)
        {
            var view = new MonitorView("test source", [_node], [_monitor.Snapshot(maxRecords)]);
            if (maxRecords == 0 && Interlocked.Increment(ref _snapshots) == 1)
            {
                var late = new RunEvent(RunEventKinds.Recovery, DateTimeOffset.UtcNow, 5, 0.5, "run r-late continues in epoch 1 on coordinator 'node-1'")
                    { RunId = "r-late" };
                _monitor.AddEvent(late);
                Action<string, object>[] now;
                lock (_subscribers) now = _subscribers.ToArray();
                SubscribersAtEvent = now.Length;
                foreach (var s in now) s("event", late);
            }
            return view;
        }

        public IDisposable Subscribe(Action<string, object> onUpdate)
        {
            lock (_subscribers) _subscribers.Add(onUpdate);
            return new Unsubscribe(this, onUpdate);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private sealed class Unsubscribe(LateEventSource owner, Action<string, object> s) : IDisposable
        {
            public void Dispose()
            {
                lock (owner._subscribers) owner._subscribers.Remove(s);
            }
        }
    }
}
