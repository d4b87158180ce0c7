namespace ActorSim.Actors.Remote.Transport;

/// <summary>
/// Moves signed frames between the nodes of a cluster. A transport preserves the order of frames sent by one
/// node to one node, delivers them reliably or reports them undeliverable, tells whether a node is present, and
/// runs the leader election. It knows nothing about actors or message types (that is <see cref="ClusterNode"/>).
/// </summary>
/// <remarks>Implementations: <see cref="InProcess.InProcessTransport"/> (nodes in one process) and
/// <see cref="Fabric.AkkaClusterTransport"/> (nodes anywhere: an Akka.NET cluster, frames node to node over Akka.Remote).</remarks>
public interface IClusterTransport : IAsyncDisposable
{
    /// <summary>A short name for logs, e.g. "akka".</summary>
    string Name { get; }

    /// <summary>
    /// Connects, creates this node's inbox and starts delivering inbound frames to <see cref="TransportContext.OnFrame"/>.
    /// </summary>
    /// <exception cref="ClusterConfigurationException">The node id is already in use, or the transport cannot connect.</exception>
    Task StartAsync(TransportContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Queues <paramref name="frame"/> for sending without blocking; frames are sent in call order. The transport
    /// disposes the frame when it is done with it; a frame that cannot be delivered is reported through
    /// <see cref="TransportContext.OnUndeliverable"/>.
    /// </summary>
    void Send(OutboundFrame frame);

    /// <summary>Completes when every frame queued so far has been handed over (handed to the network layer, or enqueued at the target).</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Whether node <paramref name="nodeId"/> is connected (its inbox exists).</summary>
    Task<bool> IsNodePresentAsync(string nodeId, CancellationToken cancellationToken);

    /// <summary>
    /// How many consecutive presence checks must find a node absent before it counts as crashed (default 2: an orderly
    /// leave announcement may still be on its way the first time). A transport whose absence is itself a considered
    /// judgment (Akka's failure detector) says 1.
    /// </summary>
    int AbsencesBeforeCrash => 2;

    /// <summary>
    /// True if every frame to another node goes over a link that authenticates both ends and protects what it carries
    /// (and the transport signs any frame it has to send another way): the node then leaves its frames unsigned.
    /// </summary>
    bool AuthenticatesLinks => false;

    /// <summary>Stops receiving and disconnects; this node's inbox disappears and its leadership (if any) passes on.</summary>
    Task StopAsync();
}
