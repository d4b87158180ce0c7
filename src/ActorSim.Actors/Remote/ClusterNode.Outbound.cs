using ActorSim.Actors.Remote.Membership;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Actors.Remote.Wire;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Remote;

public sealed partial class ClusterNode
{
    /// <summary>
    /// Sends <paramref name="message"/> to the actor at <paramref name="path"/> on every node of the cluster, this
    /// one included (delivered here in process). Each receiving node sees the messages of one sender in order.
    /// </summary>
    /// <exception cref="WireContractException">No wire contract is registered for the message's type.</exception>
    public void Broadcast(string path, object message, IActorRef? sender = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref _state) != 1)
        {
            PublishDeadLetter(message, sender, ActorFor(NodeId, path));
            return;
        }
        var writer = EncodeFrame(WireEnvelope.BroadcastNode, path, message, sender);
        _transport.Send(new OutboundFrame(WireEnvelope.BroadcastNode, writer, Describe(message, path), null));
        var local = ResolveLocalTarget(path);
        if (local is not null) local.Tell(message, sender);
    }

    /// <summary>Sends to one remote actor (the work of <see cref="RemoteActorRef.Tell"/>).</summary>
    internal void SendTo(RemoteAddress target, object message, IActorRef? sender, IActorRef recipient)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref _state) != 1)
        {
            _log.LogDebug("Node '{NodeId}' is not connected; {MessageType} to {Target} goes to dead letters", NodeId, TypeNames.Of(message.GetType()), target);
            PublishDeadLetter(message, sender, recipient, $"node '{NodeId}' is not connected to the cluster");
            return;
        }
        var writer = EncodeFrame(target.NodeId, target.Path, message, sender);
        _transport.Send(new OutboundFrame(target.NodeId, writer, Describe(message, target.ToString()), new PendingSend(message, sender, recipient)));
    }

    /// <summary>Sends a membership announcement to one node or (null) to all.</summary>
    internal void SendAnnouncement(MembershipAnnouncement announcement, string? targetNode)
    {
        if (Volatile.Read(ref _state) == 2 && announcement.Kind != AnnouncementKind.Leaving) return;
        var node = targetNode ?? WireEnvelope.BroadcastNode;
        var writer = EncodeFrame(node, MembershipAnnouncement.Path, announcement, null);
        _transport.Send(new OutboundFrame(node, writer, $"membership {announcement.Kind}", null));
    }

    private WireWriter EncodeFrame(string targetNode, string targetPath, object message, IActorRef? sender)
    {
        var contract = _registry.ForType(message.GetType());
        var senderPath = sender.IsNobody() ? "" : AddressForWire(Export(sender!));
        var header = new WireEnvelope(contract.Id, contract.Version, ClusterId, RunId, Epoch, NodeId, senderPath,
            targetNode, targetPath, Interlocked.Increment(ref _correlation), default);
        var writer = new WireWriter(message is double[] d ? d.Length * 8 + 512 : 512, this);
        try
        {
            FrameCodec.Encode(writer, header, _options.Secret, !_transport.AuthenticatesLinks, (contract, message), static (s, w) => s.contract.EncodeObject(s.message, w));
            return writer;
        }
        catch (Exception ex)
        {
            writer.Dispose();
            if (ex is WireFormatException or InvalidOperationException) throw;
            throw new WireFormatException($"Encoding {contract} for {targetNode}{targetPath} failed: {ex.Message}", ex);
        }
    }

    /// <summary>A sender on this node travels as its path; one on another node (a forwarded sender) as its full address.</summary>
    private string AddressForWire(RemoteAddress address) => address.NodeId == NodeId ? address.Path : address.ToString();

    private void OnUndeliverable(OutboundFrame frame, string reason)
    {
        if (frame.State is PendingSend pending)
        {
            _log.LogWarning("Node '{NodeId}': {Frame} could not be delivered: {Reason}", NodeId, frame.Description, reason);
            PublishDeadLetter(pending.Message, pending.Sender, pending.Recipient, reason);
        }
        else
        {
            _log.LogDebug("Node '{NodeId}': {Frame} could not be delivered: {Reason}", NodeId, frame.Description, reason);
        }
    }

    private static string Describe(object message, string target) => $"{TypeNames.Of(message.GetType())} to {target}";

    /// <summary>What an undeliverable frame was, for dead letters and failing an Ask at once.</summary>
    private sealed record PendingSend(object Message, IActorRef? Sender, IActorRef Recipient);
}
