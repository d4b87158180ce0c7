using ActorSim.Actors;
using Akka.Actor;

namespace ActorSim.Simulation.Subdomains;

/// <summary>
/// Owns one block of a grid (its kernel). Exchanges halos directly with the neighbouring blocks at each
/// exchange point of the step protocol (see <see cref="ISubdomainKernel"/>), buffering halos that arrive
/// early by (step, exchange, port), so the result does not depend on message order; reports its partial
/// bounds to the coordinator and answers snapshot requests. With peers and a lease (<see cref="RunStep.LeaseUntil"/>)
/// it also sends its bounds to every block and plans the leased steps itself from all blocks' bounds, reduced in block
/// order exactly as the coordinator reduces them (the model's pure <see cref="ISubdomainModel.Plan"/>), so a step needs
/// no round trip through the coordinator.
/// </summary>
public sealed class SubdomainActor : Actor
{
    private readonly Func<ISubdomainKernel> _createKernel;
    private readonly ISubdomainModel? _planner;
    private IReadOnlyList<IActorRef>? _peers;
    private ISubdomainKernel _kernel = null!;
    private IReadOnlyDictionary<int, IActorRef> _neighbours = new Dictionary<int, IActorRef>();
    private IActorRef _coordinator = null!;
    private readonly Dictionary<(long Step, int Exchange, int Port), double[]> _early = new();

    // The exchange in progress: its key, and what to do once every neighbour's halo is in.
    private (long Step, int Exchange)? _waiting;
    private StepOrder? _order;
    // An order that arrived before the exchange preceding its step completed (bounds sent early).
    private StepOrder? _pendingOrder;
    // Between steps: the bounds of step _boundsStep are sent and that step has not started.
    private bool _betweenSteps;
    private long _boundsStep = -1;
    // Leased steps: every block's bounds by step, the lease, and the time at which step _boundsStep starts.
    private readonly Dictionary<long, double[]?[]> _allBounds = new();
    private long _leaseUntil;
    private double _leaseTEnd, _t;

    // Monitoring: wall time computing and waiting for halos since the last BlockBounds (clock reads only).
    private long _handling, _waitingSince, _compute, _haloWait;

    /// <param name="createKernel">Creates this block's kernel (called where the block lives).</param>
    /// <param name="planner">The model, when the blocks may plan leased steps themselves (its reduction and plan must be
    /// pure functions of their arguments); null: every step is ordered by the coordinator.</param>
    /// <param name="awaitingState">The kernel was built to be restored (<see cref="ISubdomainModel.CreateKernelForRestore"/>):
    /// it holds no state until a restore message loads one, and the block refuses to compute or save before that.</param>
    public SubdomainActor(Func<ISubdomainKernel> createKernel, ISubdomainModel? planner = null, bool awaitingState = false)
    {
        _createKernel = createKernel;
        _planner = planner;
        _awaitingState = awaitingState;
    }

    private bool _awaitingState;

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
                if (c.Peers is { } peers && _planner is null)
                    throw new InvalidOperationException($"block {_kernel.Block}: peers given but this block cannot plan steps");
                _peers = c.Peers;
                break;
            case ReportBounds or RunStep or ExtendLease or RequestSnapshot or Runtime.SaveBlockState when _awaitingState:
                throw Runtime.BlockCheckpoints.NotRestored(_kernel.Block, message);
            case ReportBounds r:
                StartExchange(r.Step, 0);
                break;
            case RunStep run:
                (_leaseUntil, _leaseTEnd) = (run.LeaseUntil, run.LeaseTEnd); // an order replaces the lease (0: none)
                _pendingOrder = run.Order; // runs once the exchange before it is complete (bounds sent early)
                TryStart();
                break;
            case ExtendLease lease:
                _leaseUntil = Math.Max(_leaseUntil, lease.UntilStep);
                TryStart();
                break;
            case PeerBounds pb when pb.Step < _boundsStep || (pb.Step == _boundsStep && !_betweenSteps):
                break; // the step was ordered by the coordinator before every block's bounds were in
            case PeerBounds pb:
                Collect(pb.Step, pb.Block, pb.Bounds);
                TryStart();
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
                _awaitingState = false;
                break;
            case Runtime.Cluster.RestoreBlockState restore:
                if (Runtime.BlockCheckpoints.Restore(_kernel, _kernel.Block, restore, Self)) _awaitingState = false;
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

    /// <summary>Between steps, with the exchange before the next step complete: runs the coordinator's order, or plans
    /// a leased step from every block's bounds.</summary>
    private void TryStart()
    {
        if (!_betweenSteps || _waiting is not null) return;
        if (_pendingOrder is { } order)
        {
            _pendingOrder = null;
            Run(order);
            return;
        }
        long n = _boundsStep;
        if (_peers is null || n >= _leaseUntil || !(_t < _leaseTEnd)) return;
        if (!_allBounds.TryGetValue(n, out var all) || Array.IndexOf(all, null) >= 0) return;
        var planned = _planner!.Plan(n, _t, _leaseTEnd, _planner.ReduceBounds(all!));
        Run(planned);
    }

    private void Collect(long step, int block, double[] bounds)
    {
        if (!_allBounds.TryGetValue(step, out var all)) _allBounds[step] = all = new double[]?[_peers!.Count];
        if (all[block] is not null) throw new InvalidOperationException($"block {_kernel.Block}: bounds of block {block} for step {step} arrived twice");
        all[block] = bounds;
    }

    private void Run(StepOrder order)
    {
        if (order.Step != _boundsStep)
            throw new InvalidOperationException($"block {_kernel.Block}: step {order.Step} ordered after the bounds of step {_boundsStep}");
        _betweenSteps = false;
        _allBounds.Remove(order.Step);
        _t = order.TNext;
        _order = order;
        _kernel.BeginStep(order);
        _kernel.Stage(1);
        if (order.Stages > 1) StartExchange(order.Step, 2);
        else EndOfStep(order.Step + 1);
    }

    /// <summary>After a step's last stage: the exchange before the next bounds — which are reported at once when the
    /// step computed the ghost layers they read.</summary>
    private void EndOfStep(long nextStep)
    {
        if (!_kernel.BoundsNeedHalos)
        {
            foreach (var link in _kernel.Links)
                if (link.IsBoundary) _kernel.ApplyBoundary(link.Port);
            SendBounds(nextStep); // reported before the exchange (ISubdomainKernel.BoundsNeedHalos false)
        }
        StartExchange(nextStep, 0);
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
            if (!(_betweenSteps && _boundsStep == w.Step)) SendBounds(w.Step); // unless sent at the end of the step
            TryStart();
            return;
        }
        var order = _order!;
        _kernel.Stage(w.Exchange);
        if (w.Exchange < order.Stages) StartExchange(order.Step, w.Exchange + 1);
        else EndOfStep(order.Step + 1);
    }

    private void SendBounds(long step)
    {
        var bounds = _kernel.ComputeBounds();
        _boundsStep = step;
        _betweenSteps = true;
        if (_peers is { } peers)
        {
            Collect(step, _kernel.Block, bounds);
            var message = new PeerBounds(step, _kernel.Block, bounds);
            for (int b = 0; b < peers.Count; b++)
                if (b != _kernel.Block) peers[b].Tell(message, Self);
        }
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        _compute += now - _handling;
        _coordinator.Tell(new BlockBounds(step, _kernel.Block, bounds)
        {
            ComputeSeconds = _compute / (double)System.Diagnostics.Stopwatch.Frequency,
            HaloWaitSeconds = _haloWait / (double)System.Diagnostics.Stopwatch.Frequency,
        }, Self);
        _compute = _haloWait = 0;
        _handling = now;
    }
}
