using Akka.Actor;
using System.Diagnostics;
using System.Security.Cryptography;
using ActorSim.Actors.Remote.Transport;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Remote.Membership;

/// <summary>
/// Membership and failure detection of one node. The node broadcasts a Joining announcement when it starts,
/// a Heartbeat every <see cref="ClusterOptions.HeartbeatInterval"/>, and Leaving when it leaves; existing members
/// answer a Joining node with a direct Hello. A member counts as crashed when its inbox is absent on two
/// consecutive presence checks (its process or connection died), or when its last announcement is older than
/// <see cref="ClusterOptions.FailureTimeout"/> (it hangs). Events go to subscribers and to the log.
/// </summary>
internal sealed class ClusterMembership
{
    private readonly ClusterNode _node;
    private readonly ClusterOptions _options;
    private readonly IClusterTransport _transport;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _subscribers = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private string? _leader;
    private bool _selfLeader;
    private bool _started;
    private long _sequence;

    public ClusterMembership(ClusterNode node, ClusterOptions options, IClusterTransport transport, ILogger log)
    {
        _node = node;
        _options = options;
        _transport = transport;
        _log = log;
        Incarnation = RandomNumberGenerator.GetInt32(1, int.MaxValue) * (long)int.MaxValue + RandomNumberGenerator.GetInt32(int.MaxValue);
    }

    public long Incarnation { get; }

    public string? Leader
    {
        get { lock (_gate) return _leader; }
    }

    public bool IsSelfLeader
    {
        get { lock (_gate) return _selfLeader; }
    }

    public void Start()
    {
        lock (_gate) _started = true;
        Announce(AnnouncementKind.Joining, null);
        _loop = Task.Run(LoopAsync);
    }

    public async Task StopAsync(bool announceLeave)
    {
        _stop.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        if (announceLeave) Announce(AnnouncementKind.Leaving, null);
        lock (_gate)
        {
            _started = false;
            _members.Clear();
        }
    }

    public IReadOnlyList<MemberInfo> Snapshot()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var list = new List<MemberInfo> { new(_node.NodeId, Incarnation, _selfLeader, TimeSpan.Zero) };
            list.AddRange(_members.Values.Select(m => new MemberInfo(m.NodeId, m.Incarnation, m.IsLeader, Stopwatch.GetElapsedTime(m.LastSeen, now))));
            return list.OrderBy(m => m.NodeId, StringComparer.Ordinal).ToArray();
        }
    }

    public void Subscribe(IActorRef subscriber)
    {
        lock (_gate)
        {
            if (!_subscribers.Contains(subscriber)) _subscribers.Add(subscriber);
            var members = _members.Keys.Append(_node.NodeId).Order(StringComparer.Ordinal).ToArray();
            subscriber.Tell(new CurrentClusterState(members, _leader));
        }
    }

    public void Unsubscribe(IActorRef subscriber)
    {
        lock (_gate) _subscribers.Remove(subscriber);
    }

    /// <summary>The transport says this node gained or lost the leadership.</summary>
    public void OnOwnLeadership(bool leader)
    {
        bool started;
        lock (_gate)
        {
            _selfLeader = leader;
            if (leader) SetLeader(_node.NodeId, "this node holds the leadership");
            else if (_leader == _node.NodeId) SetLeader(null, "this node gave up the leadership");
            started = _started;
        }
        if (started) Announce(AnnouncementKind.Heartbeat, null); // tell the others at once
    }


    public void OnAnnouncement(MembershipAnnouncement a, string source)
    {
        if (a.NodeId == _node.NodeId)
        {
            if (a.Incarnation != Incarnation)
                _log.LogError("Node '{NodeId}' received an announcement from another node using the same id (incarnation {Other}, {Source}); node ids must be unique",
                    _node.NodeId, a.Incarnation, source);
            return;
        }
        var sayHello = false;
        lock (_gate)
        {
            if (!_started) return;
            _members.TryGetValue(a.NodeId, out var member);
            if (member is not null && member.Incarnation != a.Incarnation)
            {
                if (a.Kind == AnnouncementKind.Leaving) return; // the old incarnation's late goodbye
                Remove(member, new MemberCrashed(member.NodeId, member.Incarnation, "it restarted with a new incarnation",
                    Stopwatch.GetElapsedTime(member.LastSeen)));
                member = null;
            }
            if (a.Kind == AnnouncementKind.Leaving)
            {
                if (member is not null)
                {
                    _log.LogInformation("Node '{NodeId}': member '{Member}' left the cluster", _node.NodeId, a.NodeId);
                    Remove(member, new MemberLeft(member.NodeId, member.Incarnation));
                }
                return;
            }
            if (member is null)
            {
                member = new Member(a.NodeId, a.Incarnation);
                _members.Add(a.NodeId, member);
                _log.LogInformation("Node '{NodeId}': member '{Member}' joined (incarnation {Incarnation}, via {Source})",
                    _node.NodeId, a.NodeId, a.Incarnation, source);
                Publish(new MemberJoined(a.NodeId, a.Incarnation));
            }
            member.LastSeen = Stopwatch.GetTimestamp();
            member.Absences = 0;
            member.IsLeader = a.IsLeader;
            if (a.IsLeader && _leader != a.NodeId) SetLeader(a.NodeId, $"'{a.NodeId}' announced it");
            else if (!a.IsLeader && _leader == a.NodeId) SetLeader(null, $"'{a.NodeId}' announced it no longer leads");
            sayHello = a.Kind == AnnouncementKind.Joining;
        }
        if (sayHello) Announce(AnnouncementKind.Hello, a.NodeId);
    }

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        var lastTick = Stopwatch.GetTimestamp();
        while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
        {
            try
            {
                Announce(AnnouncementKind.Heartbeat, null);
                var now = Stopwatch.GetTimestamp();
                // If this node itself was stalled (GC, starved CPU), the others' heartbeats may just be waiting in
                // our inbox: skip the timeout check for this tick rather than accuse everyone.
                var stalled = Stopwatch.GetElapsedTime(lastTick, now) > _options.FailureTimeout / 2;
                lastTick = now;
                if (!stalled) CheckHeartbeats(now);
                await CheckPresenceAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "Node '{NodeId}': failure detector tick failed", _node.NodeId);
            }
        }
    }

    private void CheckHeartbeats(long now)
    {
        lock (_gate)
        {
            foreach (var member in _members.Values.ToArray())
            {
                var silent = Stopwatch.GetElapsedTime(member.LastSeen, now);
                if (silent > _options.FailureTimeout)
                    Crash(member, $"no heartbeat for {silent.TotalSeconds:0.0} s (failure timeout {_options.FailureTimeout.TotalSeconds:0.0} s): it hangs or is cut off");
            }
        }
    }

    private async Task CheckPresenceAsync(CancellationToken token)
    {
        Member[] members;
        lock (_gate) members = _members.Values.ToArray();
        foreach (var member in members)
        {
            var present = await _transport.IsNodePresentAsync(member.NodeId, token).ConfigureAwait(false);
            lock (_gate)
            {
                if (!_members.TryGetValue(member.NodeId, out var current) || current != member) continue;
                if (present)
                {
                    member.Absences = 0;
                }
                else if (++member.Absences >= _transport.AbsencesBeforeCrash) // usually twice: an orderly Leaving may still be in our inbox the first time
                {
                    Crash(member, "it is no longer reachable: its inbox disappeared (its process, its connection or its machine died)");
                }
            }
        }
    }

    // ---- Under _gate ------------------------------------------------------------------------------

    private void Crash(Member member, string reason)
    {
        var silent = Stopwatch.GetElapsedTime(member.LastSeen);
        _log.LogWarning("Node '{NodeId}': member '{Member}' counted as crashed: {Reason} (last heartbeat {Silent:0.000} s ago)",
            _node.NodeId, member.NodeId, reason, silent.TotalSeconds);
        Remove(member, new MemberCrashed(member.NodeId, member.Incarnation, reason, silent));
    }

    private void Remove(Member member, ClusterEvent cause)
    {
        _members.Remove(member.NodeId);
        Publish(cause);
        if (_leader == member.NodeId) SetLeader(null, $"'{member.NodeId}' is gone");
    }

    private void SetLeader(string? leader, string why)
    {
        if (_leader == leader) return;
        _leader = leader;
        _log.LogInformation("Node '{NodeId}': leader is now {Leader} ({Why})", _node.NodeId, leader is null ? "unknown" : $"'{leader}'", why);
        Publish(new LeaderChanged(leader));
    }

    private void Publish(ClusterEvent e)
    {
        foreach (var subscriber in _subscribers) subscriber.Tell(e);
    }

    // ---- Sending ----------------------------------------------------------------------------------

    private void Announce(AnnouncementKind kind, string? targetNode)
    {
        bool leader;
        lock (_gate) leader = _selfLeader;
        try
        {
            _node.SendAnnouncement(new MembershipAnnouncement(_node.NodeId, Incarnation, Interlocked.Increment(ref _sequence), kind, leader), targetNode);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Node '{NodeId}' could not send its {Kind} announcement", _node.NodeId, kind);
        }
    }

    private sealed class Member(string nodeId, long incarnation)
    {
        public string NodeId { get; } = nodeId;
        public long Incarnation { get; } = incarnation;
        public long LastSeen { get; set; } = Stopwatch.GetTimestamp();
        public int Absences { get; set; }
        public bool IsLeader { get; set; }
    }
}
