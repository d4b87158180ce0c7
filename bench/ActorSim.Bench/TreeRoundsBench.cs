using System.Diagnostics;
using System.Globalization;
using ActorSim.Actors;
using ActorSim.Actors.Trees;
using Akka.Actor;

namespace ActorSim.Bench;

/// <summary>
/// <c>tree-rounds [--nodes 10,30,100,300,1000] [--blocks-per-node 4] [--fan-in 8] [--latency-us 200]
/// [--per-message-us 10] [--rounds 30]</c>: a coordination round — a broadcast to every block, one partial vector
/// back from each, the coordinator sums them in block order — over n simulated nodes in one process
/// (<see cref="SimulatedNetwork"/>: per-hop latency and a per-message link cost, waited not spent), flat against a
/// gather tree. Flat is today's cluster path: one message to each node, which hands it to its blocks, and one reply
/// per block straight to the coordinator. Tree: the broadcast and the replies go over a <see cref="GatherTree"/> of
/// fan-in k rooted on the coordinator's node; every node gathers its blocks' vectors and its children's, unchanged, and
/// the coordinator gets one message with all of them and sums in block order — the same bits as flat (checked).
/// Prints per round (median after warm-up): the whole round, the coordinator actor's own CPU time, the messages its
/// node's link carried and the link time they imply; then least-squares fits against n and log₂ n.
/// </summary>
public sealed class TreeRoundsBenchmark : IBenchmark
{
    public string Name => "tree-rounds";
    public string Description => "coordination round over 10..1000 simulated nodes x 4 blocks with link latency: flat vs gather tree (O(n) vs O(log n))";

    private const int VectorLength = 8;

    private sealed record Ask(long Round);
    private sealed record Part(long Round, int Block, double[] Data);
    private sealed record Fanout(object Message);
    private sealed record Go;

    /// <summary>Stands for a block: answers each round with its partial vector at once.</summary>
    private sealed class Block(int index, double[] data) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is Ask a) Sender.Tell(new Part(a.Round, index, data), Self);
        }
    }

    /// <summary>Flat path's node host: hands a message to its blocks, the coordinator as their sender (cf. BlockFanout).</summary>
    private sealed class Host(IActorRef[] blocks) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is Fanout f) foreach (var b in blocks) b.Tell(f.Message, Sender);
        }
    }

    private sealed class Result
    {
        public readonly List<double> RoundUs = [], CpuUs = [];
        public long[] SumBits = [];
    }

    /// <summary>Runs <c>rounds</c> rounds, flat (to every host) or over the tree (to its root), timing each.</summary>
    private sealed class Coordinator(int blocks, IActorRef[]? hosts, IActorRef? root, int rounds, TaskCompletionSource<Result> done) : UntypedActor
    {
        private readonly Result _result = new();
        private readonly double[][] _slots = new double[blocks][];
        private readonly double[] _sum = new double[VectorLength];
        private int _received;
        private long _round, _started, _cpu;

        protected override void OnReceive(object message)
        {
            long t0 = Stopwatch.GetTimestamp();
            switch (message)
            {
                case Go:
                    Broadcast(t0);
                    break;
                case Part p:
                    if (p.Round != _round || _slots[p.Block] is not null) throw new InvalidOperationException($"unexpected reply {p.Round}/{p.Block}");
                    _slots[p.Block] = p.Data;
                    if (++_received == blocks) Complete(t0);
                    break;
                case Gathered g:
                    if (g.Round != _round) throw new InvalidOperationException($"gathered round {g.Round} while {_round} is open");
                    var parts = g.InLeafOrder<Part>(blocks);
                    for (int b = 0; b < blocks; b++) _slots[b] = parts[b].Data;
                    Complete(t0);
                    break;
                case GatherFailed f:
                    done.TrySetException(new InvalidOperationException(f.Reason));
                    break;
            }
            _cpu += Stopwatch.GetTimestamp() - t0;
        }

        private void Broadcast(long now)
        {
            _round++;
            _received = 0;
            _cpu = 0;
            _started = now;
            var ask = new Ask(_round);
            if (hosts is not null) foreach (var h in hosts) h.Tell(new Fanout(ask), Self);
            else root!.Tell(new TreeBroadcast(_round, ask), Self);
        }

        private void Complete(long now)
        {
            Array.Clear(_sum);
            for (int b = 0; b < blocks; b++)
            {
                var v = _slots[b];
                for (int j = 0; j < VectorLength; j++) _sum[j] += v[j];
            }
            Array.Clear(_slots);
            long end = Stopwatch.GetTimestamp();
            _result.RoundUs.Add(Stopwatch.GetElapsedTime(_started, end).TotalMicroseconds);
            _result.CpuUs.Add(Stopwatch.GetElapsedTime(0, _cpu + end - now).TotalMicroseconds);
            _result.SumBits = _sum.Select(BitConverter.DoubleToInt64Bits).ToArray();
            if (_round == rounds) done.TrySetResult(_result);
            else Self.Tell(new Go());
        }
    }

    public int Run(string[] args)
    {
        int[] nodeCounts = [10, 30, 100, 300, 1000];
        int perNode = 4, fanIn = 8, rounds = 30;
        double latencyUs = 200, perMessageUs = 10;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Num() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--nodes": nodeCounts = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--blocks-per-node": perNode = Int(); break;
                case "--fan-in": fanIn = Int(); break;
                case "--latency-us": latencyUs = Num(); break;
                case "--per-message-us": perMessageUs = Num(); break;
                case "--rounds": rounds = Int(); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: tree-rounds [--nodes 10,30,100,300,1000] [--blocks-per-node 4] " +
                                            "[--fan-in 8] [--latency-us 200] [--per-message-us 10] [--rounds 30]");
                    return 2;
            }
        }
        int warmup = Math.Max(1, rounds / 5);
        Console.WriteLine($"coordination round over simulated nodes: {perNode} blocks per node, a {VectorLength}-double partial vector per block,");
        Console.WriteLine($"link latency {latencyUs} µs per hop, {perMessageUs} µs per message at the sender's and the receiver's link;");
        Console.WriteLine($"tree fan-in {fanIn}; {rounds} rounds each, first {warmup} dropped, medians; coordinator on a node of its own");
        Console.WriteLine($"{"nodes",6} {"blocks",6} {"path",-5} {"depth",5} {"round µs",10} {"coord CPU µs",12} {"coord msgs",10} {"coord link µs",13} {"sim CPU ms",10} {"others' cores",13}");
        var rows = new List<(int Nodes, string Path, int Depth, double Round, double Cpu, double Link)>();
        foreach (int n in nodeCounts)
        {
            long[]? flatBits = null;
            foreach (bool tree in new[] { false, true })
            {
                var load = CpuLoad.Start();
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var (result, msgs, depth) = RunOne(n, perNode, tree, fanIn, latencyUs, perMessageUs, rounds);
                double others = load.OthersCores();
                double sim = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / rounds;
                double round = Median(result.RoundUs.Skip(warmup)), cpu = Median(result.CpuUs.Skip(warmup));
                double perRound = (double)msgs / rounds, link = perRound * perMessageUs;
                string path = tree ? "tree" : "flat";
                Console.WriteLine($"{n,6} {n * perNode,6} {path,-5} {depth,5} {round,10:F0} {cpu,12:F1} {perRound,10:F0} {link,13:F0} {sim,10:F1} {others,13:F2}");
                rows.Add((n, path, depth, round, cpu, link));
                if (!tree) flatBits = result.SumBits;
                else if (!result.SumBits.SequenceEqual(flatBits!))
                {
                    Console.Error.WriteLine($"{n} nodes: the tree's sum differs from the flat sum in its bits");
                    return 1;
                }
            }
        }
        Console.WriteLine("every tree sum has the bits of the flat sum (block order)");
        if (nodeCounts.Length >= 3) PrintFits(rows);
        return 0;
    }

    private static (Result Result, long CoordinatorMessages, int Depth) RunOne(int n, int perNode, bool tree, int fanIn,
        double latencyUs, double perMessageUs, int rounds)
    {
        // Node 0 is the coordinator's (no blocks); nodes 1 … n hold the blocks, block b on node 1 + b mod n.
        int blocks = n * perNode;
        var system = ActorRuntime.CreateLocal("tree-rounds");
        using var network = new SimulatedNetwork(n + 1, TimeSpan.FromMicroseconds(latencyUs), TimeSpan.FromMicroseconds(perMessageUs));
        try
        {
            var rng = new Random(12345);
            // Values over 20 decades with both signs, so the order of the sum shows in its bits.
            var data = Enumerable.Range(0, blocks).Select(_ => Enumerable.Range(0, VectorLength)
                .Select(_ => (rng.NextDouble() - 0.5) * Math.Pow(10, 20 * rng.NextDouble() - 10)).ToArray()).ToArray();
            var leaves = Enumerable.Range(0, blocks).Select(b => system.ActorOf(ActorFactory.Props(() => new Block(b, data[b])), $"block-{b}")).ToArray();
            var placement = Enumerable.Range(0, blocks).Select(b => 1 + b % n).ToArray();
            IActorRef[]? hosts = null;
            IActorRef? root = null;
            int depth = 1;
            if (tree)
            {
                var layout = new TreeLayout(n + 1, fanIn);
                depth = layout.MaxDepth;
                root = GatherTree.Build(layout, placement, leaves, m => m is Part p ? new GatherKey(p.Round, p.Block) : null,
                    TimeSpan.FromSeconds(60), (_, props, name) => system.ActorOf(props, name), network.Link);
            }
            else
            {
                hosts = Enumerable.Range(1, n).Select(node =>
                {
                    var own = Enumerable.Range(0, blocks).Where(b => placement[b] == node).Select(b => leaves[b]).ToArray();
                    return network.Link(0, node, system.ActorOf(ActorFactory.Props(() => new Host(own)), $"host-{node}"));
                }).ToArray();
            }
            var done = new TaskCompletionSource<Result>(TaskCreationOptions.RunContinuationsAsynchronously);
            var coordinator = system.ActorOf(ActorFactory.Props(() => new Coordinator(blocks, hosts, root, rounds, done)), "coordinator");
            long before = network.Messages(0);
            coordinator.Tell(new Go());
            var result = done.Task.WaitAsync(TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();
            return (result, network.Messages(0) - before, depth);
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(30));
        }
    }

    private static void PrintFits(List<(int Nodes, string Path, int Depth, double Round, double Cpu, double Link)> rows)
    {
        Console.WriteLine();
        Console.WriteLine("flat / tree, same run:");
        foreach (var f in rows.Where(r => r.Path == "flat"))
        {
            var t = rows.Single(r => r.Path == "tree" && r.Nodes == f.Nodes);
            Console.WriteLine($"  {f.Nodes,5} nodes: round {f.Round / t.Round,6:F2}×   coordinator CPU + link {(f.Cpu + f.Link) / (t.Cpu + t.Link),6:F1}×");
        }
        Console.WriteLine();
        Console.WriteLine("least-squares fits y = a + b·x over the node counts: R² for x = n, x = log2 n and (tree) x = the tree's depth;");
        Console.WriteLine("the best marked *; and y(largest n) / y(smallest n):");
        foreach (string path in new[] { "flat", "tree" })
            foreach (var (what, pick) in new (string, Func<(int Nodes, string Path, int Depth, double Round, double Cpu, double Link), double>)[]
                         { ("round", r => r.Round), ("coord CPU", r => r.Cpu), ("coord CPU + link", r => r.Cpu + r.Link) })
            {
                var sel = rows.Where(r => r.Path == path).ToArray();
                var ys = sel.Select(pick).ToArray();
                var fits = new List<(string Name, double R2)>
                {
                    ("n", RSquared(sel.Select(r => (double)r.Nodes).Zip(ys).ToArray())),
                    ("log2 n", RSquared(sel.Select(r => Math.Log2(r.Nodes)).Zip(ys).ToArray())),
                };
                if (path == "tree") fits.Add(("depth", RSquared(sel.Select(r => (double)r.Depth).Zip(ys).ToArray())));
                double best = fits.Max(f => f.R2);
                string text = string.Join("   ", fits.Select(f => $"x = {f.Name} R² {f.R2:F3}{(f.R2 == best ? "*" : " ")}"));
                Console.WriteLine($"  {path} {what,-16}: {text,-62} growth {ys[^1] / ys[0],6:F1}× for {(double)sel[^1].Nodes / sel[0].Nodes:F0}× the nodes");
            }
    }

    private static double RSquared((double X, double Y)[] pts)
    {
        double mx = pts.Average(p => p.X), my = pts.Average(p => p.Y);
        double sxy = pts.Sum(p => (p.X - mx) * (p.Y - my)), sxx = pts.Sum(p => (p.X - mx) * (p.X - mx)), syy = pts.Sum(p => (p.Y - my) * (p.Y - my));
        return syy == 0 || sxx == 0 ? 1 : sxy * sxy / (sxx * syy);
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
