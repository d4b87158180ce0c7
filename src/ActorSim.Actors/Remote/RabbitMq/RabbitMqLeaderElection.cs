using ActorSim.Actors.Remote.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace ActorSim.Actors.Remote.RabbitMq;

/// <summary>
/// Leader election through a single-active-consumer queue <c>actorsim.{cluster}.leader</c>. Every candidate
/// consumes it (manual ack) and puts one token message into it. The broker delivers all tokens to the one
/// active consumer, which never acknowledges them: holding a token means leading. When the leader's connection
/// dies (or it cancels on shutdown) the broker makes the next consumer active and redelivers the tokens to it,
/// so the successor learns of its leadership within milliseconds of the broker noticing.
/// </summary>
internal sealed class RabbitMqLeaderElection
{
    private readonly IConnection _connection;
    private readonly TransportContext _context;
    private readonly ILogger _log;
    private readonly string _queue;
    private IChannel? _channel;
    private string _consumerTag = "";
    private int _leader;
    private volatile bool _abandoned;

    public RabbitMqLeaderElection(IConnection connection, TransportContext context, ILogger log)
    {
        _connection = connection;
        _context = context;
        _log = log;
        _queue = RabbitMqNames.LeaderQueue(context.ClusterId);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var arguments = new Dictionary<string, object?>
        {
            ["x-single-active-consumer"] = true,
            ["x-expires"] = 600_000, // removed 10 min after the last candidate is gone
        };
        await _channel.QueueDeclareAsync(_queue, durable: false, exclusive: false, autoDelete: false, arguments,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, _) =>
        {
            if (!_abandoned) SetLeader(true);
            return Task.CompletedTask;
        };
        consumer.ShutdownAsync += (_, _) =>
        {
            SetLeader(false);
            return Task.CompletedTask;
        };
        _consumerTag = await _channel.BasicConsumeAsync(_queue, autoAck: false, consumerTag: $"{_context.NodeId}-leader",
            noLocal: false, exclusive: false, arguments: null, consumer: consumer, cancellationToken).ConfigureAwait(false);
        await PublishTokenAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishTokenAsync(CancellationToken cancellationToken)
    {
        var token = new BasicProperties { AppId = _context.NodeId, DeliveryMode = DeliveryModes.Transient };
        await _channel!.BasicPublishAsync("", _queue, mandatory: false, token, "leader-token"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection came back (e.g. after a broker restart). The client has declared the queue again and resumed the
    /// consumer, but a restarted broker lost the transient tokens: every candidate puts its token in again, and the
    /// broker's active consumer becomes the leader.
    /// </summary>
    public void OnConnectionRecovered()
    {
        if (_abandoned || _channel is null) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await PublishTokenAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or IOException)
            {
                _log.LogWarning(ex, "Node '{NodeId}' could not put its leader token back after reconnecting", _context.NodeId);
            }
        });
    }

    /// <summary>Orderly resignation: cancelling hands the tokens to the next candidate.</summary>
    public async Task StopAsync()
    {
        try
        {
            if (_channel is { IsOpen: true } && _consumerTag.Length > 0)
            {
                await _channel.BasicCancelAsync(_consumerTag).ConfigureAwait(false);
                await _channel.CloseAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or IOException)
        {
            _log.LogDebug(ex, "Resigning from the leader election failed (the broker passes leadership on anyway)");
        }
        SetLeader(false);
    }

    /// <summary>The node is crashing (simulated): forget leadership without telling the broker anything.</summary>
    public void Abandon()
    {
        _abandoned = true;
        SetLeader(false);
    }

    public void OnConnectionLost() => SetLeader(false);

    private void SetLeader(bool leader)
    {
        if (Interlocked.Exchange(ref _leader, leader ? 1 : 0) == (leader ? 1 : 0)) return;
        _log.LogInformation(leader ? "Node '{NodeId}' is now the leader of cluster '{ClusterId}'" : "Node '{NodeId}' is no longer the leader of cluster '{ClusterId}'",
            _context.NodeId, _context.ClusterId);
        _context.OnLeadershipChanged(leader);
    }
}
