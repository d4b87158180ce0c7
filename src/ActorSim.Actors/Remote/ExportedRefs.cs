using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ActorSim.Actors.Remote;

/// <summary>
/// Refs without a path of their own (Ask reply refs, test probes) that were sent to another node as a sender or
/// inside a message: each gets a node-addressable path <c>/temp/remote-N</c>. Ask refs are forgotten when their
/// Ask is over; other refs live as long as the node.
/// </summary>
internal sealed class ExportedRefs
{
    private readonly ConcurrentDictionary<string, IActorRef> _byPath = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<IActorRef, string> _pathOf = new();
    private readonly object _gate = new();
    private long _counter;

    /// <summary>Number of live exported refs (finished Asks are purged first).</summary>
    public int Count
    {
        get
        {
            foreach (var (path, actor) in _byPath)
                if (actor is IAskRef { Completion.IsCompleted: true }) _byPath.TryRemove(path, out _);
            return _byPath.Count;
        }
    }

    public string Export(IActorRef actor)
    {
        if (_pathOf.TryGetValue(actor, out var existing)) return existing;
        string path;
        lock (_gate)
        {
            if (_pathOf.TryGetValue(actor, out existing)) return existing;
            path = $"/temp/remote-{++_counter}";
            _byPath[path] = actor;
            _pathOf.Add(actor, path);
        }
        if (actor is IAskRef ask)
            ask.Completion.ContinueWith(static (task, s) =>
            {
                var (self, p) = ((ExportedRefs, string))s!;
                self._byPath.TryRemove(p, out _);
            }, (this, path), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return path;
    }

    public IActorRef? TryGet(string path) => _byPath.GetValueOrDefault(path);
}
