namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// The authenticated header of a frame plus its payload (the message's fields).
/// </summary>
/// <param name="ContractId">The payload's contract id.</param>
/// <param name="ContractVersion">The contract version the payload was written with.</param>
/// <param name="ClusterId">The cluster the sender belongs to.</param>
/// <param name="RunId">The simulation run the message belongs to ("" outside a run).</param>
/// <param name="Epoch">The sender's recovery epoch; receivers drop user messages from older epochs.</param>
/// <param name="SenderNode">The sending node's id.</param>
/// <param name="SenderPath">The sending actor's path on its node ("" when there is no sender).</param>
/// <param name="TargetNode">The target node's id, or <see cref="BroadcastNode"/>.</param>
/// <param name="TargetPath">The target actor's path on the target node(s).</param>
/// <param name="CorrelationId">A per-sender-node sequence number (for logs and tracing).</param>
/// <param name="Payload">The encoded message.</param>
public sealed record WireEnvelope(
    int ContractId,
    int ContractVersion,
    string ClusterId,
    string RunId,
    long Epoch,
    string SenderNode,
    string SenderPath,
    string TargetNode,
    string TargetPath,
    long CorrelationId,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>The target node of a broadcast (every node of the cluster).</summary>
    public const string BroadcastNode = "*";

    /// <summary>True if this is a broadcast.</summary>
    public bool IsBroadcast => TargetNode == BroadcastNode;

    /// <summary>"node path" of the sender, for logs.</summary>
    public string SenderDescription => SenderPath.Length == 0 ? $"node '{SenderNode}'" : $"actorsim://{SenderNode}{SenderPath}";

    /// <summary>"node path" of the target, for logs.</summary>
    public string TargetDescription => $"actorsim://{TargetNode}{TargetPath}";
}
