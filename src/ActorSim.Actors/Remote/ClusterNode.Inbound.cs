using ActorSim.Actors.Remote.Membership;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Actors.Remote.Wire;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Remote;

public sealed partial class ClusterNode
{
    /// <summary>Handles one inbound frame: authenticate, check, decode, Tell. Never throws.</summary>
    private void OnFrame(InboundFrame frame)
    {
        if (frame.Bytes.Length > _options.MaxFrameBytes)
        {
            Drop(LogLevel.Warning, "Node '{NodeId}' dropped a frame of {Bytes} bytes from {Source}: larger than MaxFrameBytes ({Max})",
                NodeId, frame.Bytes.Length, frame.Source, _options.MaxFrameBytes);
            return;
        }
        WireEnvelope envelope;
        try
        {
            envelope = FrameCodec.Decode(frame.Bytes, _options.Secret, frame.AuthenticatedLink);
        }
        catch (ForgedFrameException)
        {
            Interlocked.Increment(ref _rejectedFrames);
            var claimed = FrameCodec.TryPeekUnverified(frame.Bytes);
            _log.LogWarning(
                "Node '{NodeId}' rejected a frame from {Source} that claims to come from {ClaimedSender} of cluster '{ClaimedCluster}' " +
                "({What}): its HMAC does not match the cluster secret (a node with another secret, or a forged message)",
                NodeId, frame.Source, claimed?.SenderDescription ?? "?", claimed?.ClusterId ?? "?",
                claimed?.TargetPath == MembershipAnnouncement.Path ? "a membership announcement; the node is not admitted" : $"contract {claimed?.ContractId}");
            return;
        }
        catch (WireFormatException ex)
        {
            Drop(LogLevel.Warning, "Node '{NodeId}' dropped a malformed frame from {Source}: {Error}", NodeId, frame.Source, ex.Message);
            return;
        }

        if (envelope.ClusterId != ClusterId)
        {
            Drop(LogLevel.Warning, "Node '{NodeId}' dropped a frame from {Sender} ({Source}) of cluster '{OtherCluster}' (this is '{ClusterId}')",
                NodeId, envelope.SenderDescription, frame.Source, envelope.ClusterId, ClusterId);
            return;
        }
        if (envelope.IsBroadcast && envelope.SenderNode == NodeId) return; // our own broadcast, already delivered locally
        if (!envelope.IsBroadcast && envelope.TargetNode != NodeId)
        {
            Drop(LogLevel.Warning, "Node '{NodeId}' dropped a frame for node '{TargetNode}' from {Sender}", NodeId, envelope.TargetNode, envelope.SenderDescription);
            return;
        }

        if (envelope.TargetPath == MembershipAnnouncement.Path)
        {
            OnAnnouncementFrame(envelope, frame.Source);
            return;
        }
        if (envelope.Epoch < Epoch)
        {
            Drop(LogLevel.Debug, "Node '{NodeId}' dropped a message from {Sender} of epoch {Epoch} (current epoch {Current})",
                NodeId, envelope.SenderDescription, envelope.Epoch, Epoch);
            return;
        }
        if (RunId.Length > 0 && envelope.RunId.Length > 0 && envelope.RunId != RunId)
        {
            Drop(LogLevel.Warning, "Node '{NodeId}' dropped a message from {Sender} of run '{OtherRun}' (this node runs '{RunId}')",
                NodeId, envelope.SenderDescription, envelope.RunId, RunId);
            return;
        }

        var sender = ResolveSender(envelope);
        object message;
        try
        {
            message = _registry.Decode(envelope.ContractId, envelope.ContractVersion, envelope.Payload.Span, this);
        }
        catch (Exception ex) when (ex is WireFormatException or InvalidOperationException)
        {
            Drop(LogLevel.Error, "Node '{NodeId}' dropped a message from {Sender} to {Target}: {Error}",
                NodeId, envelope.SenderDescription, envelope.TargetPath, ex.Message);
            FailRemoteAsk(sender, new WireContractException(
                $"Node '{NodeId}' could not read the message: {ex.Message}", envelope.ContractId, envelope.ContractVersion));
            return;
        }

        var target = ResolveLocalTarget(envelope.TargetPath);
        if (target is null)
        {
            PublishDeadLetter(message, sender, Resolve(new RemoteAddress(NodeId, envelope.TargetPath)));
            if (!envelope.IsBroadcast)
                FailRemoteAsk(sender, new InvalidOperationException(
                    $"There is no actor at {envelope.TargetPath} on node '{NodeId}'; {TypeNames.Of(message.GetType())} went to dead letters."));
            return;
        }
        target.Tell(message, sender);
    }

    /// <summary>If the sender is an Ask waiting on another node, fail it now instead of letting it time out.</summary>
    private static void FailRemoteAsk(IActorRef? sender, Exception cause)
    {
        if (sender is RemoteActorRef { Address.Path: var replyPath } && replyPath.StartsWith("/temp/", StringComparison.Ordinal))
            sender.Tell(new Status.Failure(cause));
    }

    private IActorRef? ResolveSender(WireEnvelope envelope)
    {
        var path = envelope.SenderPath;
        if (path.Length == 0) return null;
        if (path.StartsWith('/')) return Resolve(new RemoteAddress(envelope.SenderNode, path));
        const string scheme = "actorsim://";
        if (path.StartsWith(scheme, StringComparison.Ordinal))
        {
            var slash = path.IndexOf('/', scheme.Length);
            if (slash > scheme.Length) return Resolve(new RemoteAddress(path[scheme.Length..slash], path[slash..]));
        }
        _log.LogWarning("Node '{NodeId}': ignoring the unreadable sender address '{Sender}' from node '{SenderNode}'", NodeId, path, envelope.SenderNode);
        return null;
    }

    private void OnAnnouncementFrame(WireEnvelope envelope, string source)
    {
        MembershipAnnouncement announcement;
        try
        {
            announcement = (MembershipAnnouncement)_registry.Decode(envelope.ContractId, envelope.ContractVersion, envelope.Payload.Span, this);
        }
        catch (Exception ex) when (ex is WireFormatException or InvalidCastException)
        {
            Drop(LogLevel.Warning, "Node '{NodeId}' dropped an unreadable membership announcement from {Sender} ({Source}): {Error}",
                NodeId, envelope.SenderDescription, source, ex.Message);
            return;
        }
        if (announcement.NodeId != envelope.SenderNode)
        {
            Drop(LogLevel.Warning, "Node '{NodeId}' dropped a membership announcement for '{Announced}' sent by node '{Sender}' ({Source})",
                NodeId, announcement.NodeId, envelope.SenderNode, source);
            return;
        }
        _membership.OnAnnouncement(announcement, source);
    }

    private void Drop(LogLevel level, string template, params object?[] args)
    {
        Interlocked.Increment(ref _droppedFrames);
#pragma warning disable CA2254 // the templates are constants of this class
        _log.Log(level, template, args);
#pragma warning restore CA2254
    }
}
