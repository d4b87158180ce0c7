using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Actors.Remote.Transport;

/// <summary>
/// A signed frame on its way out, owning its (pooled) buffer until <see cref="Dispose"/>.
/// </summary>
public sealed class OutboundFrame : IDisposable
{
    private WireWriter? _owner;

    /// <summary>Wraps the frame written into <paramref name="owner"/>.</summary>
    /// <param name="targetNode">The target node id, or <see cref="WireEnvelope.BroadcastNode"/>.</param>
    /// <param name="owner">The writer holding the frame; disposed with this frame.</param>
    /// <param name="description">What the frame carries, for log messages.</param>
    /// <param name="state">Anything the sender wants back if the frame is undeliverable.</param>
    public OutboundFrame(string targetNode, WireWriter owner, string description, object? state = null)
    {
        TargetNode = targetNode;
        _owner = owner ?? throw new ArgumentNullException(nameof(owner));
        Bytes = owner.WrittenMemory;
        Description = description;
        State = state;
    }

    /// <summary>The target node id, or <see cref="WireEnvelope.BroadcastNode"/>.</summary>
    public string TargetNode { get; }

    /// <summary>True for a frame to every node.</summary>
    public bool IsBroadcast => TargetNode == WireEnvelope.BroadcastNode;

    /// <summary>The frame bytes (valid until disposed).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>What the frame carries, for log messages.</summary>
    public string Description { get; }

    /// <summary>The sender's state for undeliverable reports.</summary>
    public object? State { get; }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{Description} to node '{TargetNode}' ({Bytes.Length} bytes)";
}
