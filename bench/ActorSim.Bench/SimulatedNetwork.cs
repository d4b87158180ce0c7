using System.Diagnostics;
using Akka.Actor;

namespace ActorSim.Bench;

/// <summary>
/// A network between simulated nodes in one process, for <c>tree-rounds</c>. Every message between two nodes costs its
/// sender <see cref="PerMessage"/> (encoding, writing the frame), travels <see cref="Latency"/>, and costs its receiver
/// <see cref="PerMessage"/> again (reading, decoding); each node's link handles one message at a time, so a node that
/// receives m messages in a burst is busy m·PerMessage. These costs are waited, not spent: a dedicated thread delivers
/// each message at its computed time, so the simulated nodes do not take CPU from each other for them and the round's
/// shape (who waits for whom) is that of separate machines. The actors' own work is real and shares this machine.
/// </summary>
public sealed class SimulatedNetwork : IDisposable
{
    private readonly record struct Delivery(IActorRef Target, object Message, IActorRef Sender);

    private readonly long _latency, _perMessage;
    private readonly long[] _busyUntil;
    private readonly long[] _messages;
    private readonly PriorityQueue<Delivery, long> _queue = new();
    private readonly object _gate = new();
    private readonly Thread _thread;
    private bool _stopped;

    public SimulatedNetwork(int nodes, TimeSpan latency, TimeSpan perMessage)
    {
        _latency = Ticks(latency);
        _perMessage = Ticks(perMessage);
        Latency = latency;
        PerMessage = perMessage;
        _busyUntil = new long[nodes];
        _messages = new long[nodes];
        _thread = new Thread(Deliver) { IsBackground = true, Name = "simulated-network", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>One hop's delay on the wire.</summary>
    public TimeSpan Latency { get; }

    /// <summary>What a message costs its sender's link and again its receiver's.</summary>
    public TimeSpan PerMessage { get; }

    /// <summary>How node <paramref name="from"/> reaches <paramref name="target"/> on node <paramref name="to"/>.</summary>
    public IActorRef Link(int from, int to, IActorRef target) => from == to ? target : new LinkRef(this, from, to, target);

    /// <summary>Messages node <paramref name="node"/> has sent or received so far.</summary>
    public long Messages(int node)
    {
        lock (_gate) return _messages[node];
    }

    private void Send(int from, int to, IActorRef target, object message, IActorRef sender)
    {
        // The reply path: the receiver sees the sender through the same link the other way.
        var replyTo = sender is null || sender.IsNobody() ? ActorRefs.NoSender : new LinkRef(this, to, from, sender);
        lock (_gate)
        {
            long now = Stopwatch.GetTimestamp();
            long departs = Math.Max(now, _busyUntil[from]) + _perMessage;
            _busyUntil[from] = departs;
            long delivered = Math.Max(departs + _latency, _busyUntil[to]) + _perMessage;
            _busyUntil[to] = delivered;
            _messages[from]++;
            _messages[to]++;
            bool first = !_queue.TryPeek(out _, out long head) || delivered < head;
            _queue.Enqueue(new Delivery(target, message, replyTo), delivered);
            if (first) Monitor.Pulse(_gate);
        }
    }

    private void Deliver()
    {
        var due = new List<Delivery>();
        long oneMs = Ticks(TimeSpan.FromMilliseconds(1));
        while (true)
        {
            long nap = 0;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_stopped) Monitor.Wait(_gate);
                if (_stopped) return;
                long now = Stopwatch.GetTimestamp();
                while (_queue.TryPeek(out var d, out long at) && at <= now) due.Add(_queue.Dequeue());
                if (due.Count == 0 && _queue.TryPeek(out _, out long next))
                {
                    // Far from the next delivery: a wait that a sender's pulse ends (millisecond resolution). Near it:
                    // a fine-grained sleep, at most one latency long — a message sent meanwhile is due no sooner.
                    if (next - now > 2 * oneMs) Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Stopwatch.GetElapsedTime(now, next).TotalMilliseconds - 1));
                    else nap = Math.Min(next - now, Math.Max(_latency, 1));
                }
            }
            if (nap > 0) Nap(nap);
            foreach (var d in due) d.Target.Tell(d.Message, d.Sender);
            due.Clear();
        }
    }

    /// <summary>Sleeps about <paramref name="ticks"/> without spinning (nanosleep: tens of µs of slack on Linux).</summary>
    private static void Nap(long ticks)
    {
        if (!OperatingSystem.IsLinux() || ticks < Stopwatch.Frequency / 50_000) { Thread.Yield(); return; }
        long ns = (long)(ticks * (1e9 / Stopwatch.Frequency));
        var request = new Timespec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
        nanosleep(ref request, IntPtr.Zero);
    }

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int nanosleep(ref Timespec request, IntPtr remaining);

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
    }

    private static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);

    /// <summary>An actor on another simulated node as seen from <c>from</c>: a tell crosses the simulated link.</summary>
    private sealed class LinkRef(SimulatedNetwork network, int from, int to, IActorRef target) : MinimalActorRef
    {
        public override ActorPath Path => target.Path;

        public override IActorRefProvider Provider => ((IInternalActorRef)target).Provider;

        protected override void TellInternal(object message, IActorRef sender) => network.Send(from, to, target, message, sender);

        public override string ToString() => $"{target.Path} (from node {from})";
    }
}
