namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Measurement-based placement (issue "Elastic cluster", item 2), pure: from each block's compute time per step over a
/// window, a placement that lowers the slowest node's load, moving as few blocks as it can.
/// <para>
/// Model: a node runs its blocks one after another, so its load is the sum of its blocks' times. A node's cost is the
/// mean time of its blocks (the blocks of a run are of equal size by construction, so a slower or busier node shows as
/// a higher cost); a block's work is its time over its node's cost (1 for equal blocks), and on node m it would take
/// work × cost(m). A node without blocks keeps the cost measured when it last had some, or else is assumed as fast as
/// the median node. Starting from the current placement, the greedy step moves a block from the most loaded node to
/// the node where the largest load afterwards is smallest (or, when several nodes share the largest load, where the
/// loads spread most); the answer is the first placement on that path that reaches the lowest largest load, so no
/// block moves that need not. Ties go to the lower block index and the node name in ordinal order: deterministic.
/// </para>
/// </summary>
public static class LoadBalancer
{
    /// <summary>A proposed placement and what it is expected to gain.</summary>
    /// <param name="Placement">The node of each block.</param>
    /// <param name="SlowestBefore">The largest node load now (seconds per step).</param>
    /// <param name="SlowestAfter">The largest node load expected with <paramref name="Placement"/>.</param>
    /// <param name="NodeCost">The cost of each worker used (seconds per block-step of mean work).</param>
    public sealed record Proposal(string[] Placement, double SlowestBefore, double SlowestAfter, IReadOnlyDictionary<string, double> NodeCost)
    {
        /// <summary>How many blocks change node.</summary>
        public int Moves(IReadOnlyList<string> current) => Placement.Where((n, b) => n != current[b]).Count();
    }

    /// <summary>
    /// Proposes a placement of the blocks over <paramref name="workers"/>, or null when none lowers the slowest node's
    /// load by at least <paramref name="minGain"/> (a fraction). <paramref name="knownCost"/> is read for nodes without
    /// blocks and updated with the costs measured now.
    /// </summary>
    public static Proposal? Propose(IReadOnlyList<string> placement, IReadOnlyList<double> blockSeconds, IReadOnlyList<string> workers,
        IDictionary<string, double> knownCost, double minGain = 0.2)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(blockSeconds);
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(knownCost);
        int blocks = placement.Count;
        if (blockSeconds.Count != blocks) throw new ArgumentException($"{blockSeconds.Count} block times for {blocks} blocks", nameof(blockSeconds));
        if (blocks == 0 || blockSeconds.Any(t => !(t >= 0) || double.IsInfinity(t))) return null;

        var nodes = workers.Union(placement).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var cost = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var group in Enumerable.Range(0, blocks).GroupBy(b => placement[b], StringComparer.Ordinal))
        {
            double mean = group.Average(b => blockSeconds[b]);
            if (mean <= 0) return null; // nothing measured
            cost[group.Key] = mean;
            knownCost[group.Key] = mean;
        }
        var measured = cost.Values.Order().ToArray();
        double median = measured[measured.Length / 2];
        foreach (var node in nodes)
            if (!cost.ContainsKey(node)) cost[node] = knownCost.TryGetValue(node, out var known) && known > 0 ? known : median;

        var work = new double[blocks];
        for (int b = 0; b < blocks; b++) work[b] = blockSeconds[b] / cost[placement[b]];
        var assign = placement.ToArray();
        var load = nodes.ToDictionary(n => n, _ => 0.0, StringComparer.Ordinal);
        for (int b = 0; b < blocks; b++) load[assign[b]] += work[b] * cost[assign[b]];
        double before = load.Values.Max();

        // Only workers receive blocks (a node that is no worker any more only gives them away).
        var targets = nodes.Where(n => workers.Contains(n, StringComparer.Ordinal)).ToArray();
        double SumOfSquares() => load.Values.Sum(l => l * l);
        var best = (Placement: assign.ToArray(), Max: before);
        for (int round = 0; round < blocks * nodes.Length; round++)
        {
            double current = load.Values.Max(), squares = SumOfSquares();
            string heaviest = nodes.First(n => load[n] == current);
            (int Block, string To, double Max, double Squares)? pick = null;
            for (int b = 0; b < blocks; b++)
            {
                if (assign[b] != heaviest) continue;
                foreach (var to in targets)
                {
                    if (to == heaviest) continue;
                    double from = load[heaviest] - work[b] * cost[heaviest], into = load[to] + work[b] * cost[to];
                    double after = Math.Max(from, into);
                    foreach (var n in nodes) if (n != heaviest && n != to) after = Math.Max(after, load[n]);
                    double sq = squares - load[heaviest] * load[heaviest] - load[to] * load[to] + from * from + into * into;
                    // Lower the largest load, or keep it and spread the rest (a plateau: several nodes at the largest load).
                    bool better = after < current * (1 - 1e-9) || (after <= current * (1 + 1e-12) && sq < squares * (1 - 1e-9));
                    if (!better) continue;
                    if (pick is null || after < pick.Value.Max * (1 - 1e-9) || (after <= pick.Value.Max * (1 + 1e-12) && sq < pick.Value.Squares * (1 - 1e-9)))
                        pick = (b, to, after, sq);
                }
            }
            if (pick is not { } move) break;
            load[heaviest] -= work[move.Block] * cost[heaviest];
            load[move.To] += work[move.Block] * cost[move.To];
            assign[move.Block] = move.To;
            // The first placement on the way that reaches the lowest largest load: no move beyond it is needed.
            if (move.Max < best.Max * (1 - 1e-9)) best = (assign.ToArray(), move.Max);
        }
        assign = best.Placement;
        double slowest = best.Max;
        return slowest <= before * (1 - minGain) ? new Proposal(assign, before, slowest, cost) : null;
    }
}
