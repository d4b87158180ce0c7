using Akka.Actor;
using System.Threading.Channels;
using ActorSim.Actors.Remote.Transport;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Remote.InProcess;

/// <summary>
/// A transport between nodes of one process, through an <see cref="InProcessNetwork"/>: each node has an
/// in-memory FIFO inbox drained by one loop, so frames keep their per-sender order and are never lost while both
/// nodes run. Frames are still encoded, signed and checked, exactly as over a broker.
/// </summary>
public sealed class InProcessTransport : IClusterTransport
{
    private readonly InProcessNetwork _network;
    private readonly Channel<Delivery> _inbox = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
    private TransportContext? _context;
    private ILogger? _log;
    private Task _loop = Task.CompletedTask;
    private long _enqueued, _handled;
    private volatile bool _stopped;
    private int _leader;

    internal InProcessTransport(InProcessNetwork network) => _network = network;

    /// <inheritdoc />
    public string Name => "in-process";

    internal bool IsCandidate => _context?.LeaderCandidate ?? false;

    /// <inheritdoc />
    public Task StartAsync(TransportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_context is not null) throw new InvalidOperationException("The transport has already been started.");
        _context = context;
        _log = context.LoggerFactory.CreateLogger("ActorSim.Actors.Remote.InProcessTransport");
        _loop = Task.Run(DrainAsync, CancellationToken.None);
        _network.Register(context.ClusterId, context.NodeId, this);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Send(OutboundFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var context = _context ?? throw new InvalidOperationException("The transport has not been started.");
        if (_stopped)
        {
            context.OnUndeliverable(frame, "this node's transport is stopped");
            frame.Dispose();
            return;
        }
        if (frame.IsBroadcast)
        {
            foreach (var other in _network.Others(context.ClusterId, context.NodeId))
                other.Enqueue(new Delivery(frame.Bytes.ToArray(), context.NodeId, null));
            frame.Dispose();
            return;
        }
        var target = _network.Find(context.ClusterId, frame.TargetNode);
        if (target is null || !target.Enqueue(new Delivery(frame.Bytes, context.NodeId, frame)))
        {
            context.OnUndeliverable(frame, $"node '{frame.TargetNode}' is not connected");
            frame.Dispose();
        }
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask; // Send enqueues synchronously

    /// <inheritdoc />
    public Task<bool> IsNodePresentAsync(string nodeId, CancellationToken cancellationToken) =>
        Task.FromResult(_context is not null && _network.Find(_context.ClusterId, nodeId) is not null);

    /// <inheritdoc />
    public async Task StopAsync()
    {
        if (_context is null || _stopped) return;
        _stopped = true;
        _network.Unregister(_context.ClusterId, _context.NodeId, this);
        _inbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>
    /// Simulates a crash: the node disappears from the network at once, without a leave announcement, and
    /// frames still queued for it are lost.
    /// </summary>
    public async Task CrashAsync()
    {
        if (_context is null || _stopped) return;
        _stopped = true;
        _network.Unregister(_context.ClusterId, _context.NodeId, this);
        _inbox.Writer.TryComplete();
        while (_inbox.Reader.TryRead(out var dropped)) dropped.Owner?.Dispose();
        await _loop.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Number of frames enqueued for this node and not yet handled.</summary>
    public long Backlog => Interlocked.Read(ref _enqueued) - Interlocked.Read(ref _handled);

    internal void SetLeader(bool leader)
    {
        if (Interlocked.Exchange(ref _leader, leader ? 1 : 0) != (leader ? 1 : 0))
            _context?.OnLeadershipChanged(leader);
    }

    private bool Enqueue(Delivery delivery)
    {
        if (_stopped || !_inbox.Writer.TryWrite(delivery)) return false;
        Interlocked.Increment(ref _enqueued);
        return true;
    }

    private async Task DrainAsync()
    {
        var context = _context!;
        await foreach (var delivery in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                context.OnFrame(new InboundFrame(delivery.Bytes, $"in-process node '{delivery.FromNode}'", Redelivered: false));
            }
            catch (Exception ex)
            {
                _log!.LogError(ex, "Node '{NodeId}' failed to handle a frame from '{FromNode}'; dropped", context.NodeId, delivery.FromNode);
            }
            finally
            {
                delivery.Owner?.Dispose();
                Interlocked.Increment(ref _handled);
            }
        }
    }

    private readonly record struct Delivery(ReadOnlyMemory<byte> Bytes, string FromNode, OutboundFrame? Owner);
}
