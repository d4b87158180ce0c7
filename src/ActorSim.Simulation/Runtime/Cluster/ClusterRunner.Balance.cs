using System.Text.Json.Nodes;
using ActorSim.Simulation.Monitoring;

namespace ActorSim.Simulation.Runtime.Cluster;

public static partial class ClusterRunner
{
    /// <summary>
    /// The submitter's load watch over one epoch: it sums the blocks' compute times per step from the coordinator's
    /// records over windows of <see cref="ClusterRunOptions.BalanceWindow"/>; when the imbalance (max / mean block
    /// compute time) is above the threshold in two windows in a row and <see cref="LoadBalancer"/> finds a placement
    /// that lowers the slowest node's load by at least a fifth (both times), it asks for a move with the latest one.
    /// </summary>
    private sealed class BalanceWatch(IReadOnlyList<string> placement, IReadOnlyList<string> workers, double threshold, TimeSpan window,
        IDictionary<string, double> knownCost)
    {
        private double[] _sum = new double[placement.Count];
        private long _steps;
        private long _lastStep = -1;
        private double _windowStart = double.NaN;
        private bool _proposedBefore; // the previous window proposed a move too

        /// <summary>Steps per second of the last complete window (what a move's entry compares against).</summary>
        public double? LastRate { get; private set; }

        /// <summary>The latest window's imbalance.</summary>
        public double? LastImbalance { get; private set; }

        /// <summary>Steps per second and imbalance of the window under way (null: less than half a second of it).</summary>
        public (double Rate, double? Imbalance)? Partial(StepRecord? last)
        {
            if (last is null || _steps == 0 || double.IsNaN(_windowStart) || last.WallS - _windowStart < 0.5) return null;
            var mean = _sum.Select(x => x / _steps).ToArray();
            double average = mean.Average();
            return (_steps / (last.WallS - _windowStart), average > 0 ? mean.Max() / average : null);
        }

        /// <summary>Takes a record; returns a proposal when a move is due.</summary>
        public LoadBalancer.Proposal? Observe(StepRecord record)
        {
            if (record.BlockComputeS is not { } perBlock || perBlock.Count != _sum.Length) return null;
            if (_lastStep < 0 || double.IsNaN(_windowStart))
            {
                _lastStep = record.Step;
                _windowStart = record.WallS;
                return null;
            }
            long steps = record.Step - _lastStep;
            _lastStep = record.Step;
            if (steps <= 0) return null;
            for (int b = 0; b < _sum.Length; b++) _sum[b] += perBlock[b] * steps;
            _steps += steps;
            double elapsed = record.WallS - _windowStart;
            if (elapsed < window.TotalSeconds) return null;

            var mean = _sum.Select(s => s / _steps).ToArray();
            LastRate = _steps / elapsed;
            double average = mean.Average();
            LastImbalance = average > 0 ? mean.Max() / average : null;
            _sum = new double[_sum.Length];
            _steps = 0;
            _windowStart = record.WallS;
            var proposal = threshold > 0 && LastImbalance is { } imbalance && imbalance > threshold
                ? LoadBalancer.Propose(placement, mean, workers, knownCost) : null;
            // Two windows in a row: not a passing disturbance (which fast node takes a block may differ between them).
            bool confirmed = proposal is not null && _proposedBefore;
            _proposedBefore = proposal is not null;
            return confirmed ? proposal : null;
        }
    }

    /// <summary>The first rate measured after a balancing move (<paramref name="entry"/>: the last move's run.json entry) goes into it.</summary>
    private static void RateAfterBalancing(JsonObject? entry, double rate, double? imbalance)
    {
        if (entry is null || entry["imbalance"] is null || entry["steps_per_s_after"] is not null) return;
        entry["steps_per_s_after"] = Math.Round(rate, 1);
        entry["imbalance_after"] = imbalance is { } after ? Math.Round(after, 3) : null;
    }

    /// <summary>run.json's fields of an imbalance move: what was measured and what the new placement should give.</summary>
    private static void DescribeBalance(PlannedMove move, LoadBalancer.Proposal proposal, double imbalance, double? rate, double threshold)
    {
        move.Details["imbalance"] = Math.Round(imbalance, 3);
        move.Details["threshold"] = threshold;
        move.Details["slowest_node_load_s"] = proposal.SlowestBefore;
        move.Details["predicted_slowest_node_load_s"] = proposal.SlowestAfter;
        move.Details["node_cost_s"] = new JsonObject(proposal.NodeCost.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));
        move.Details["steps_per_s_before"] = rate is { } r ? Math.Round(r, 1) : null;
    }
}
