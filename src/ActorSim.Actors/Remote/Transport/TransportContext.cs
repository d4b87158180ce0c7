using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Remote.Transport;

/// <summary>What a transport needs from its node.</summary>
/// <param name="ClusterId">The cluster (keeps different clusters apart).</param>
/// <param name="NodeId">This node's id.</param>
/// <param name="LoggerFactory">For the transport's own log messages.</param>
/// <param name="OnFrame">Called for each inbound frame, one at a time, in arrival order. The frame's bytes are valid
/// only during the call. </param>
/// <param name="OnUndeliverable">Called (on any thread) with a frame that could not be delivered and the reason.</param>
/// <param name="LeaderCandidate">Whether this node takes part in the leader election.</param>
/// <param name="OnLeadershipChanged">Called when this node gains (true) or loses (false) the cluster's leadership.</param>
public sealed record TransportContext(
    string ClusterId,
    string NodeId,
    ILoggerFactory LoggerFactory,
    Action<InboundFrame> OnFrame,
    Action<OutboundFrame, string> OnUndeliverable,
    bool LeaderCandidate,
    Action<bool> OnLeadershipChanged)
{
    /// <summary>The cluster's secret, for transports that derive an identity from it (Akka: the cluster fingerprint role).</summary>
    public ClusterSecret? Secret { get; init; }
}
