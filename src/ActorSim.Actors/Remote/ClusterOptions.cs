using System.Text.RegularExpressions;

namespace ActorSim.Actors.Remote;

/// <summary>Settings of one cluster node.</summary>
/// <param name="ClusterId">The cluster's id: nodes with the same id (and secret) form a cluster.</param>
/// <param name="NodeId">This node's id, unique in the cluster.</param>
/// <param name="Secret">The cluster's shared secret (see <see cref="ClusterSecret.FromEnvironment"/>).</param>
public sealed partial record ClusterOptions(string ClusterId, string NodeId, ClusterSecret Secret)
{
    /// <summary>How often this node announces that it is alive. Default 250 ms.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A member whose heartbeat is older than this is counted as crashed (a hung process: SIGSTOP, deadlock,
    /// partition). Default 5 s. A killed process is detected sooner, through its vanished inbox.
    /// </summary>
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether this node can become the cluster's leader. Default true.</summary>
    public bool LeaderCandidate { get; init; } = true;

    /// <summary>The run id stamped on outgoing messages; inbound user messages of another non-empty run id are dropped. Default "".</summary>
    public string RunId { get; init; } = "";

    /// <summary>Inbound frames larger than this are dropped. Default 256 MiB.</summary>
    public int MaxFrameBytes { get; init; } = 256 << 20;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ClusterConfigurationException">An id is empty or has characters other than letters, digits, '.', '_' and '-', or a time is not positive.</exception>
    public void Validate()
    {
        CheckId(ClusterId, "cluster id");
        CheckId(NodeId, "node id");
        if (Secret is null) throw new ClusterConfigurationException("No cluster secret given; there is no default (see ClusterSecret.FromEnvironment).");
        if (HeartbeatInterval <= TimeSpan.Zero) throw new ClusterConfigurationException($"HeartbeatInterval must be positive, not {HeartbeatInterval}.");
        if (FailureTimeout < HeartbeatInterval * 2)
            throw new ClusterConfigurationException($"FailureTimeout ({FailureTimeout}) must be at least twice the HeartbeatInterval ({HeartbeatInterval}).");
        if (MaxFrameBytes < 1024) throw new ClusterConfigurationException($"MaxFrameBytes must be at least 1024, not {MaxFrameBytes}.");
    }

    private static void CheckId(string id, string what)
    {
        if (string.IsNullOrEmpty(id) || !IdPattern().IsMatch(id))
            throw new ClusterConfigurationException(
                $"Invalid {what} '{id}': use 1 to 100 letters, digits, '.', '_' or '-'.");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex IdPattern();
}
