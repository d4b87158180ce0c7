namespace ActorSim.Actors.Remote.InProcess;

/// <summary>
/// The "broker" for cluster nodes that live in one process: a registry of connected
/// <see cref="InProcessTransport"/>s per cluster and the leader election among them (the longest-connected
/// candidate leads). Create one per group of nodes that should see each other.
/// </summary>
public sealed class InProcessNetwork
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Cluster, string Node), InProcessTransport> _nodes = new();
    private readonly Dictionary<string, List<InProcessTransport>> _candidates = new(StringComparer.Ordinal);

    /// <summary>A new transport attached to this network (one per node).</summary>
    public InProcessTransport CreateTransport() => new(this);

    internal void Register(string cluster, string node, InProcessTransport transport)
    {
        InProcessTransport? newLeader = null;
        lock (_gate)
        {
            if (_nodes.ContainsKey((cluster, node)))
                throw new ClusterConfigurationException($"Node id '{node}' is already in use in cluster '{cluster}'.");
            _nodes.Add((cluster, node), transport);
            if (transport.IsCandidate)
            {
                if (!_candidates.TryGetValue(cluster, out var list)) _candidates[cluster] = list = new();
                list.Add(transport);
                if (list.Count == 1) newLeader = transport;
            }
        }
        newLeader?.SetLeader(true);
    }

    internal void Unregister(string cluster, string node, InProcessTransport transport)
    {
        InProcessTransport? newLeader = null;
        var wasLeader = false;
        lock (_gate)
        {
            if (!_nodes.TryGetValue((cluster, node), out var registered) || registered != transport) return;
            _nodes.Remove((cluster, node));
            if (_candidates.TryGetValue(cluster, out var list))
            {
                wasLeader = list.Count > 0 && list[0] == transport;
                list.Remove(transport);
                if (wasLeader && list.Count > 0) newLeader = list[0];
            }
        }
        if (wasLeader) transport.SetLeader(false);
        newLeader?.SetLeader(true);
    }

    internal InProcessTransport? Find(string cluster, string node)
    {
        lock (_gate) return _nodes.GetValueOrDefault((cluster, node));
    }

    internal InProcessTransport[] Others(string cluster, string node)
    {
        lock (_gate) return _nodes.Where(kv => kv.Key.Cluster == cluster && kv.Key.Node != node).Select(kv => kv.Value).ToArray();
    }
}
