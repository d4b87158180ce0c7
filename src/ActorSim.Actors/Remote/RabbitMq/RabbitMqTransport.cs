using System.Threading.Channels;
using ActorSim.Actors.Remote.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace ActorSim.Actors.Remote.RabbitMq;

/// <summary>
/// A transport through a RabbitMQ broker (see <see cref="RabbitMqNames"/> for the topology).
/// <list type="bullet">
/// <item>Sending: one publisher loop per node drains the frames in call order onto one channel with publisher
/// confirms; up to <see cref="RabbitMqOptions.MaxOutstandingConfirms"/> are in flight. Direct frames are published
/// <c>mandatory</c>: a frame for a node without an inbox comes back and is reported undeliverable.</item>
/// <item>Receiving: the inbox is consumed with an exclusive consumer, one frame at a time, in order; each frame is
/// acknowledged after it has been handed to the node (after the local Tell).</item>
/// <item>Presence: the inbox is an auto-delete queue, so it disappears when its node's connection closes (crash,
/// kill, broker heartbeat timeout); <see cref="IsNodePresentAsync"/> checks it with a passive declare.</item>
/// <item>Leadership: see <see cref="RabbitMqLeaderElection"/>.</item>
/// </list>
/// </summary>
public sealed class RabbitMqTransport : IClusterTransport
{
    private readonly RabbitMqOptions _options;
    private readonly Channel<OutboundFrame> _outbox = Channel.CreateUnbounded<OutboundFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _probeLock = new(1, 1);
    private TransportContext? _context;
    private ILogger _log = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private IConnection? _connection;
    private IChannel? _publishChannel, _consumeChannel, _probeChannel;
    private SemaphoreSlim? _inflight;
    private RabbitMqLeaderElection? _leader;
    private string _exchange = "", _inbox = "", _consumerTag = "";
    private Task _publisherLoop = Task.CompletedTask;
    private long _queued, _finished;
    private TaskCompletionSource _progress = NewSignal();
    private volatile bool _stopping;
    private int _stopped;

    /// <summary>Creates a transport; it connects in <see cref="StartAsync"/>.</summary>
    public RabbitMqTransport(RabbitMqOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <summary>The broker connection (for diagnostics and tests).</summary>
    internal IConnection? Connection => _connection;

    /// <inheritdoc />
    public async Task StartAsync(TransportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_context is not null) throw new InvalidOperationException("The transport has already been started.");
        _context = context;
        _log = context.LoggerFactory.CreateLogger("ActorSim.Actors.Remote.RabbitMqTransport");
        _exchange = RabbitMqNames.Exchange(context.ClusterId);
        _inbox = RabbitMqNames.Inbox(context.ClusterId, context.NodeId);
        _inflight = new SemaphoreSlim(_options.MaxOutstandingConfirms, _options.MaxOutstandingConfirms);

        var factory = new ConnectionFactory
        {
            HostName = _options.HostName,
            Port = _options.Port,
            VirtualHost = _options.VirtualHost,
            UserName = _options.UserName,
            Password = _options.Password,
            RequestedHeartbeat = _options.RequestedHeartbeat,
            RequestedConnectionTimeout = _options.ConnectTimeout,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            ClientProvidedName = $"actorsim {context.ClusterId}/{context.NodeId}",
        };
        if (_options.Tls) factory.Ssl = RabbitMqTls.CreateSslOption(_options);
        try
        {
            _connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerUnreachableException ex)
        {
            throw new ClusterConfigurationException(
                $"Node '{context.NodeId}' cannot connect to the broker at {_options}: {ex.InnerException?.Message ?? ex.Message} " +
                "(is it running? see cluster-config/broker.sh status; are user, password and vhost right?)", ex);
        }
        _connection.ConnectionShutdownAsync += OnConnectionShutdownAsync;
        _connection.RecoverySucceededAsync += OnRecoverySucceededAsync;

        _publishChannel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: null),
            cancellationToken).ConfigureAwait(false);
        await _publishChannel.ExchangeDeclareAsync(_exchange, ExchangeType.Direct, durable: false, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);

        _consumeChannel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _consumeChannel.BasicQosAsync(0, _options.Prefetch, global: false, cancellationToken).ConfigureAwait(false);
        await _consumeChannel.QueueDeclareAsync(_inbox, durable: false, exclusive: false, autoDelete: true,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await _consumeChannel.QueueBindAsync(_inbox, _exchange, RabbitMqNames.NodeKey(context.NodeId), cancellationToken: cancellationToken).ConfigureAwait(false);
        await _consumeChannel.QueueBindAsync(_inbox, _exchange, RabbitMqNames.BroadcastKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_consumeChannel);
        consumer.ReceivedAsync += OnReceivedAsync;
        try
        {
            _consumerTag = await _consumeChannel.BasicConsumeAsync(_inbox, autoAck: false, consumerTag: $"{context.NodeId}-inbox",
                noLocal: false, exclusive: true, arguments: null, consumer: consumer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 403)
        {
            await _connection.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            throw new ClusterConfigurationException(
                $"Node id '{context.NodeId}' is already in use in cluster '{context.ClusterId}' (another connection consumes {_inbox}).", ex);
        }

        _publisherLoop = Task.Run(PublishLoopAsync, CancellationToken.None);
        if (context.LeaderCandidate)
        {
            _leader = new RabbitMqLeaderElection(_connection, context, _log);
            await _leader.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        _log.LogInformation("Node '{NodeId}' connected to {Broker}, inbox {Queue}", context.NodeId, _options, _inbox);
    }

    /// <inheritdoc />
    public void Send(OutboundFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var context = _context ?? throw new InvalidOperationException("The transport has not been started.");
        Interlocked.Increment(ref _queued);
        if (_stopping || !_outbox.Writer.TryWrite(frame))
            Finish(frame, "this node's transport is stopped");
    }

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _queued);
        while (Interlocked.Read(ref _finished) < target)
        {
            var signal = Volatile.Read(ref _progress);
            if (Interlocked.Read(ref _finished) >= target) break;
            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<bool> IsNodePresentAsync(string nodeId, CancellationToken cancellationToken)
    {
        var context = _context ?? throw new InvalidOperationException("The transport has not been started.");
        var connection = _connection!;
        await _probeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_probeChannel is not { IsOpen: true })
            {
                if (_probeChannel is not null) await _probeChannel.DisposeAsync().ConfigureAwait(false);
                _probeChannel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            await _probeChannel.QueueDeclarePassiveAsync(RabbitMqNames.Inbox(context.ClusterId, nodeId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return false; // the broker closed the probe channel; it is reopened on the next check
        }
        catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
        {
            // Our own connection has trouble: that says nothing about the other node.
            _log.LogDebug(ex, "Presence check of node '{NodeId}' failed; counting it as present", nodeId);
            return true;
        }
        finally
        {
            _probeLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _connection is null) return;
        _stopping = true;
        _outbox.Writer.TryComplete();
        try
        {
            await _publisherLoop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("Node '{NodeId}': frames still unconfirmed after 10 s at shutdown", _context!.NodeId);
        }
        if (_leader is not null) await _leader.StopAsync().ConfigureAwait(false);
        try
        {
            if (_consumeChannel is { IsOpen: true } && _consumerTag.Length > 0)
                await _consumeChannel.BasicCancelAsync(_consumerTag).ConfigureAwait(false);
            await _connection.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
        {
            _log.LogDebug(ex, "Closing the broker connection of node '{NodeId}' failed", _context!.NodeId);
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
        DrainOutbox("this node's transport is stopped");
    }

    /// <summary>
    /// Simulates a crash: the broker connection is torn down at once, without flushing, leave announcement or
    /// consumer cancellation. The broker deletes the inbox and passes the leadership on, as for a killed process.
    /// </summary>
    public async Task AbortAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _connection is null) return;
        _stopping = true;
        _outbox.Writer.TryComplete();
        _leader?.Abandon();
        await _connection.AbortAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        DrainOutbox("this node's transport was aborted");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task PublishLoopAsync()
    {
        var channel = _publishChannel!;
        var inflight = _inflight!;
        await foreach (var frame in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await inflight.WaitAsync().ConfigureAwait(false);
            ValueTask publish;
            try
            {
                var properties = new BasicProperties
                {
                    AppId = _context!.NodeId,
                    UserId = _options.UserName, // the broker checks this against the connection's user
                    DeliveryMode = DeliveryModes.Transient,
                    ContentType = "application/x-actorsim-frame",
                };
                var key = frame.IsBroadcast ? RabbitMqNames.BroadcastKey : RabbitMqNames.NodeKey(frame.TargetNode);
                publish = channel.BasicPublishAsync(_exchange, key, mandatory: !frame.IsBroadcast, properties, frame.Bytes);
            }
            catch (Exception ex)
            {
                inflight.Release();
                Finish(frame, DescribePublishFailure(ex, frame));
                continue;
            }
            _ = AwaitConfirmAsync(frame, publish);
        }
    }

    private async Task AwaitConfirmAsync(OutboundFrame frame, ValueTask publish)
    {
        string? failure = null;
        try
        {
            await publish.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = DescribePublishFailure(ex, frame);
        }
        finally
        {
            _inflight!.Release();
        }
        Finish(frame, failure);
    }

    private string DescribePublishFailure(Exception ex, OutboundFrame frame) => ex switch
    {
        PublishException { IsReturn: true } => $"node '{frame.TargetNode}' is not connected (its inbox queue does not exist: it crashed, left or never joined)",
        PublishException => "the broker refused the message (nack)",
        AlreadyClosedException or OperationInterruptedException => $"the connection to the broker is closed ({ex.Message})",
        _ => $"publishing failed: {ex.GetType().Name}: {ex.Message}",
    };

    private void Finish(OutboundFrame frame, string? failure)
    {
        try
        {
            if (failure is not null) _context!.OnUndeliverable(frame, failure);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "The undeliverable-frame handler threw");
        }
        finally
        {
            frame.Dispose();
            Interlocked.Increment(ref _finished);
            Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();
        }
    }

    private void DrainOutbox(string reason)
    {
        while (_outbox.Reader.TryRead(out var frame)) Finish(frame, reason);
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        var context = _context!;
        var properties = delivery.BasicProperties;
        var source = $"broker user '{properties.UserId ?? "?"}', app-id '{properties.AppId ?? "?"}'";
        var handled = true;
        try
        {
            context.OnFrame(new InboundFrame(delivery.Body, source, delivery.Redelivered));
        }
        catch (Exception ex)
        {
            handled = false;
            _log.LogError(ex, "Node '{NodeId}' failed to handle a frame from {Source}; rejected", context.NodeId, source);
        }
        var channel = _consumeChannel!;
        try
        {
            if (handled) await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
            else await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false).ConfigureAwait(false);
        }
        catch (AlreadyClosedException ex)
        {
            _log.LogDebug(ex, "Could not acknowledge a frame: the channel is closed (the broker redelivers it)");
        }
    }

    private Task OnConnectionShutdownAsync(object sender, ShutdownEventArgs args)
    {
        if (!_stopping)
            _log.LogWarning("Node '{NodeId}' lost its broker connection: {Reason}; reconnecting", _context?.NodeId, args.ReplyText);
        _leader?.OnConnectionLost();
        if (!_stopping) _context?.OnConnectionChanged(false);
        return Task.CompletedTask;
    }

    private Task OnRecoverySucceededAsync(object sender, AsyncEventArgs args)
    {
        _log.LogInformation("Node '{NodeId}' reconnected to the broker", _context?.NodeId);
        _leader?.OnConnectionRecovered();
        _context?.OnConnectionChanged(true);
        return Task.CompletedTask;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
