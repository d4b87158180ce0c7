using System.Diagnostics;
using System.Globalization;
using ActorSim.Actors;
using ActorSim.Actors.Fabric;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Wire;
using Akka.Actor;

namespace ActorSim.Bench;

/// <summary>
/// <c>cluster-join [--reps R] [--gossip-ms 200,100]</c>: the fixed cost a submitter pays per cluster run — joining the
/// Akka.NET cluster (actor system with remoting, seed handshake, Joining → Up, the members' greetings) and leaving it
/// (links flushed, Leaving → Exiting → Removed, system stopped) — against one seed node on loopback, for each gossip
/// interval side by side (the rounds alternate between them). Medians and best of R rounds.
/// </summary>
public sealed class ClusterJoinBenchmark : IBenchmark
{
    public string Name => "cluster-join";
    public string Description => "a submitter's join and leave of the cluster (the fixed cost per cluster run), per gossip interval";

    private static readonly ClusterSecret Secret = ClusterSecret.FromString("cluster-join-bench-secret-0123456789");

    public int Run(string[] args)
    {
        int reps = 9;
        int[] gossip = [200, 100];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--reps") reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--gossip-ms") gossip = args[++i].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            else { Console.Error.WriteLine($"unknown option {args[i]}; usage: cluster-join [--reps R] [--gossip-ms 200,100]"); return 2; }
        }
        return RunAsync(reps, gossip).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int reps, int[] gossipMs)
    {
        Console.WriteLine($"one seed node and a submitter on loopback, {reps} rounds per gossip interval (alternating); seconds, median (best)");
        var seeds = new List<(int Ms, int Port, ActorSystem System, ClusterNode Node)>();
        try
        {
            foreach (int ms in gossipMs)
            {
                int port = BenchFabric.FreePort();
                var system = ActorRuntime.CreateLocal("seed");
                var node = await ClusterNode.StartAsync(system, new ClusterOptions($"join-{ms}", "seed", Secret),
                    new AkkaClusterTransport(Settings("seed", port, port, ms)), WireRegistry.CreateDefault());
                seeds.Add((ms, port, system, node));
            }
            var join = gossipMs.ToDictionary(m => m, _ => new List<double>());
            var leave = gossipMs.ToDictionary(m => m, _ => new List<double>());
            for (int r = 0; r <= reps; r++)
                foreach (var seed in seeds)
                {
                    var clock = Stopwatch.StartNew();
                    var system = ActorRuntime.CreateLocal("submit");
                    var node = await ClusterNode.StartAsync(system, new ClusterOptions($"join-{seed.Ms}", $"submit-{r}", Secret) { LeaderCandidate = false },
                        new AkkaClusterTransport(Settings($"submit-{r}", 0, seed.Port, seed.Ms), submitter: true), WireRegistry.CreateDefault());
                    while (node.Leader is null) await Task.Delay(5);
                    double joined = clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    await node.DisposeAsync();
                    await system.ShutdownAsync(TimeSpan.FromSeconds(10));
                    double left = clock.Elapsed.TotalSeconds;
                    if (r == 0) continue; // warm-up (JIT)
                    join[seed.Ms].Add(joined);
                    leave[seed.Ms].Add(left);
                }
            Console.WriteLine($"{"gossip",8} {"join s",16} {"leave s",16} {"join+leave s",16}");
            foreach (int ms in gossipMs)
            {
                var both = join[ms].Zip(leave[ms], (a, b) => a + b).ToList();
                Console.WriteLine($"{ms + " ms",8} {Stat(join[ms]),16} {Stat(leave[ms]),16} {Stat(both),16}");
            }
        }
        finally
        {
            foreach (var seed in seeds)
            {
                await seed.Node.DisposeAsync();
                await seed.System.ShutdownAsync(TimeSpan.FromSeconds(10));
            }
        }
        return 0;
    }

    private static FabricSettings Settings(string id, int port, int seedPort, int gossipMs) =>
        new(id, "127.0.0.1", port, [$"127.0.0.1:{seedPort}"], []) { GossipInterval = TimeSpan.FromMilliseconds(gossipMs) };

    private static string Stat(List<double> v)
    {
        var sorted = v.Order().ToList();
        return FormattableString.Invariant($"{sorted[sorted.Count / 2]:F3} ({sorted[0]:F3})");
    }
}
