using System.Diagnostics;
using System.Globalization;
using ActorSim.Actors;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Wire;
using Akka.Actor;

namespace ActorSim.Bench;

/// <summary>
/// <c>frame-bulk [--mb M]</c>: ActorSim's own cluster path for bulk data — a <c>double[]</c> told to a
/// <see cref="RemoteActorRef"/> (wire contract, HMAC-signed frame, transport, decode on the other node, delivered to an
/// actor) — between two cluster nodes in this process on loopback, for 8 KB … 8 MB arrays, acknowledged once per batch.
/// Both ways frames can travel, side by side in one run: direct TCP links between the members (the default) and
/// Akka.Remote. Reports GB/s of payload.
/// </summary>
public sealed class FrameBulkBenchmark : IBenchmark
{
    public string Name => "frame-bulk";
    public string Description => "cluster frames node to node: GB/s of double[] 8 KB..8 MB, direct TCP links (unsigned, signed, TLS) vs Akka.Remote";

    private sealed class Sink(int batch) : Actor
    {
        private int _count;

        protected override void Receive(object message)
        {
            if (message is double[] && ++_count % batch == 0) Sender.Tell(_count);
        }
    }

    public int Run(string[] args)
    {
        double megabytes = 512;
        string[] fabrics = ["akka", "akka-signed", "akka-tls", "akka-remote"];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--mb") megabytes = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--fabric") fabrics = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            else { Console.Error.WriteLine($"unknown option {args[i]}; usage: frame-bulk [--mb M] [--fabric akka,akka-signed,akka-tls,akka-remote]"); return 2; }
        }
        return RunAsync(megabytes, fabrics).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(double megabytes, string[] fabrics)
    {
        Console.WriteLine($"two cluster nodes on loopback, {megabytes:0} MB per measurement, GB/s of payload; memory bandwidth for scale: run 'triad'");
        Console.WriteLine("akka: links, unsigned frames (trusted loopback links); akka-signed: links, HMAC per frame; " +
            "akka-tls: links with mutual TLS, unsigned frames; akka-remote: Akka.Remote, HMAC per frame");
        Console.WriteLine($"{"array",8} " + string.Join(" ", fabrics.Select(f => $"{f,12}")));
        var pairs = new List<Pair>();
        try
        {
            foreach (var f in fabrics) pairs.Add(await Pair.StartAsync(f));
            foreach (int bytes in new[] { 8 << 10, 64 << 10, 512 << 10, 1 << 20, 8 << 20 })
            {
                int batch = Math.Clamp((16 << 20) / bytes, 1, 64);
                int count = Math.Max(batch, (int)(megabytes * (1 << 20) / bytes) / batch * batch);
                var data = Enumerable.Range(0, bytes / 8).Select(i => i * 0.5).ToArray();
                var line = $"{(bytes >= 1 << 20 ? $"{bytes >> 20} MB" : $"{bytes >> 10} KB"),8}";
                foreach (var pair in pairs)
                {
                    double seconds = await pair.MeasureAsync(data, count, batch);
                    line += $" {count * (double)bytes / seconds / 1e9,12:F2}";
                }
                Console.WriteLine(line);
            }
        }
        finally
        {
            foreach (var p in pairs) await p.DisposeAsync();
        }
        return 0;
    }

    internal sealed class Pair : IAsyncDisposable
    {
        private static readonly ClusterSecret Secret = ClusterSecret.FromString("frame-bulk-bench-secret-0123456789");
        private readonly ActorSystem[] _systems;
        private readonly ClusterNode[] _nodes;
        private readonly BenchFabric _fabric;
        private int _sinks;

        private Pair(ActorSystem[] systems, ClusterNode[] nodes, BenchFabric fabric)
        {
            _systems = systems;
            _nodes = nodes;
            _fabric = fabric;
        }

        public static async Task<Pair> StartAsync(string fabricName)
        {
            var fabric = new BenchFabric(fabricName);
            string cluster = "bulk-" + Guid.NewGuid().ToString("N")[..8];
            var systems = new[] { ActorRuntime.CreateLocal("a"), ActorRuntime.CreateLocal("b") };
            var nodes = new ClusterNode[2];
            nodes[0] = await ClusterNode.StartAsync(systems[0], new ClusterOptions(cluster, "a", Secret), fabric.Create(seed: true), WireRegistry.CreateDefault());
            nodes[1] = await ClusterNode.StartAsync(systems[1], new ClusterOptions(cluster, "b", Secret) { LeaderCandidate = false },
                fabric.Create(seed: false), WireRegistry.CreateDefault());
            while (nodes[0].Members.Count < 2 || nodes[1].Members.Count < 2) await Task.Delay(50);
            return new Pair(systems, nodes, fabric);
        }

        /// <summary>Seconds to move <paramref name="count"/> arrays from a to b, acknowledged every <paramref name="batch"/>.</summary>
        public async Task<double> MeasureAsync(double[] data, int count, int batch)
        {
            string name = $"sink-{++_sinks}";
            _systems[1].ActorOf(ActorFactory.Props(() => new Sink(batch)), name);
            var target = _nodes[0].ActorFor("b", "/user/" + name);
            async Task Batch()
            {
                var acks = Inbox.Create(_systems[0]);
                for (int i = 0; i < batch; i++) target.Tell(data, acks.Receiver);
                await acks.ReceiveAsync(TimeSpan.FromSeconds(60));
            }
            await Batch(); // warm-up: connection, JIT
            var clock = Stopwatch.StartNew();
            for (int sent = batch; sent <= count; sent += batch) await Batch();
            return clock.Elapsed.TotalSeconds;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var n in _nodes) await n.DisposeAsync();
            foreach (var s in _systems) await s.ShutdownAsync(TimeSpan.FromSeconds(10));
            _fabric.Dispose();
        }
    }
}
