using ActorSim.Actors;
using Akka.Actor;

namespace ActorSim.Simulation.Subdomains;

/// <summary>
/// Owns one block of a grid (its kernel). Exchanges halos directly with the neighbouring blocks at each
/// exchange point of the step protocol (see <see cref="ISubdomainKernel"/>), buffering halos that arrive
/// early by (step, exchange, port), so the result does not depend on message order; reports its partial
/// bounds to the coordinator and answers snapshot requests.
/// </summary>
public sealed class SubdomainActor : Actor
{
    private readonly Func<ISubdomainKernel> _createKernel;
    private ISubdomainKernel _kernel = null!;
    private IReadOnlyDictionary<int, IActorRef> _neighbours = new Dictionary<int, IActorRef>();
    private IActorRef _coordinator = null!;
    private readonly Dictionary<(long Step, int Exchange, int Port), double[]> _early = new();

    // The exchange in progress: its key, and what to do once every neighbour's halo is in.
    private (long Step, int Exchange)? _waiting;
    private StepOrder? _order;

    // Monitoring: wall time computing and waiting for halos since the last BlockBounds (clock reads only).
    private long _handling, _waitingSince, _compute, _haloWait;

    public SubdomainActor(Func<ISubdomainKernel> createKernel) => _createKernel = createKernel;

    protected override void PreStart() => _kernel = _createKernel();

    protected override void Receive(object message)
    {
        _handling = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_waiting is not null) _haloWait += _handling - _waitingSince;
        Handle(message);
        long end = System.Diagnostics.Stopwatch.GetTimestamp();
        _compute += end - _handling;
        _waitingSince = end;
    }

    private void Handle(object message)
    {
        switch (message)
        {
            case ConnectBlock c:
                _neighbours = c.Neighbours;
                _coordinator = Sender ?? throw new InvalidOperationException("ConnectBlock must come from the coordinator");
                break;
            case ReportBounds r:
                StartExchange(r.Step, 0);
                break;
            case RunStep run:
                _order = run.Order;
                _kernel.BeginStep(run.Order);
                _kernel.Stage(1);
                if (run.Order.Stages > 1) StartExchange(run.Order.Step, 2);
                else StartExchange(run.Order.Step + 1, 0);
                break;
            case Halo h:
                _early[(h.Step, h.Exchange, h.Port)] = h.Data;
                TryFinishExchange();
                break;
            case Runtime.SaveBlockState save:
                Runtime.BlockCheckpoints.SaveAndReport(_kernel, _kernel.Block, save, _coordinator, Self);
                break;
            case Runtime.RestoreBlock restore:
                Runtime.BlockCheckpoints.Restore(_kernel, _kernel.Block, restore);
                break;
            case Runtime.Cluster.RestoreBlockState restore:
                Runtime.BlockCheckpoints.Restore(_kernel, _kernel.Block, restore, Self);
                break;
            case RequestSnapshot s:
                var data = new double[_kernel.SnapshotLength];
                _kernel.CopySnapshot(data);
                _coordinator.Tell(new BlockSnapshot(s.Index, _kernel.Block, data), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void StartExchange(long step, int exchange)
    {
        if (_waiting is not null) throw new InvalidOperationException($"block {_kernel.Block}: exchange ({step}, {exchange}) started while ({_waiting}) is open");
        foreach (var link in _kernel.Links)
        {
            if (link.IsBoundary || !_kernel.NeedsHalo(link.Port)) continue;
            var buffer = new double[_kernel.HaloLength(link.Port)];
            _kernel.ExtractHalo(link.Port, buffer);
            _neighbours[link.NeighbourBlock].Tell(new Halo(step, exchange, link.NeighbourPort, buffer), Self);
        }
        _waiting = (step, exchange);
        TryFinishExchange();
    }

    private void TryFinishExchange()
    {
        if (_waiting is not { } w) return;
        foreach (var link in _kernel.Links)
            if (!link.IsBoundary && _kernel.NeedsHalo(link.Port) && !_early.ContainsKey((w.Step, w.Exchange, link.Port))) return;

        _waiting = null;
        foreach (var link in _kernel.Links)
        {
            if (link.IsBoundary) _kernel.ApplyBoundary(link.Port);
            else if (_kernel.NeedsHalo(link.Port))
            {
                var key = (w.Step, w.Exchange, link.Port);
                _kernel.ApplyHalo(link.Port, _early[key]);
                _early.Remove(key);
            }
        }

        if (w.Exchange == 0)
        {
            var bounds = _kernel.ComputeBounds();
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            _compute += now - _handling;
            _coordinator.Tell(new BlockBounds(w.Step, _kernel.Block, bounds)
            {
                ComputeSeconds = _compute / (double)System.Diagnostics.Stopwatch.Frequency,
                HaloWaitSeconds = _haloWait / (double)System.Diagnostics.Stopwatch.Frequency,
            }, Self);
            _compute = _haloWait = 0;
            _handling = now;
            return;
        }
        var order = _order!;
        _kernel.Stage(w.Exchange);
        if (w.Exchange < order.Stages) StartExchange(order.Step, w.Exchange + 1);
        else StartExchange(order.Step + 1, 0);
    }
}
