using System.Diagnostics;
using System.Globalization;
using ActorSim.Actors.Fabric;
using Akka.Actor;

namespace ActorSim.Bench;

/// <summary>
/// <c>remote-bulk [--mb M]</c>: node-to-node transfer of bulk arrays over Akka.Remote on loopback, between two cluster
/// members in this process: a sender streams arrays of 8 KB … 8 MB to a receiver on the other node, which answers once
/// per batch (so the sender never runs ahead by more than a batch). Three encodings side by side in one run: a raw
/// frame (<see cref="FrameMessage"/>: the bytes ActorSim's cluster transport sends), a bare <c>double[]</c> (raw
/// little-endian, <see cref="DoubleArraySerializer"/>), and a record holding a <c>double[]</c> through Hyperion (the
/// allow-listed control-message serializer). Reports GB/s of payload; the machine's memory bandwidth is the ceiling.
/// </summary>
public sealed class RemoteBulkBenchmark : IBenchmark
{
    public string Name => "remote-bulk";
    public string Description => "Akka.Remote on loopback: GB/s of 8 KB..8 MB arrays node to node (raw frames, raw double[], Hyperion)";

    /// <summary>A record with an array: what Hyperion would carry.</summary>
    public sealed record BulkRecord(int Seq, double[] Data);

    private sealed record Ack(int Count);

    private sealed class Receiver : ReceiveActor
    {
        private int _count;

        public Receiver(int batch)
        {
            ReceiveAny(m =>
            {
                if (m is Ack) return;
                if (++_count % batch == 0) Sender.Tell(new Ack(_count));
            });
        }
    }

    public int Run(string[] args)
    {
        double megabytes = 256;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--mb") megabytes = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else { Console.Error.WriteLine($"unknown option {args[i]}; usage: remote-bulk [--mb M]"); return 2; }
        }
        return RunAsync(megabytes).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(double megabytes)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int seed = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var a = FabricSystem.CreateClusterNode(new FabricSettings("a", "127.0.0.1", seed, [$"127.0.0.1:{seed}"], ["bench"]));
        var b = FabricSystem.CreateClusterNode(new FabricSettings("b", "127.0.0.1", 0, [$"127.0.0.1:{seed}"], ["bench"]));
        try
        {
            await Task.WhenAll(FabricSystem.WhenUp(a, TimeSpan.FromSeconds(30)), FabricSystem.WhenUp(b, TimeSpan.FromSeconds(30)));
            Console.WriteLine($"two cluster members on loopback, {megabytes:0} MB per measurement; memory triad bandwidth for scale: run 'triad'");
            Console.WriteLine($"{"array",10} {"raw frame GB/s",15} {"raw double[] GB/s",18} {"Hyperion record GB/s",21}");
            foreach (int bytes in new[] { 8 << 10, 64 << 10, 512 << 10, 1 << 20, 8 << 20 })
            {
                int count = Math.Max(8, (int)(megabytes * (1 << 20) / bytes));
                int batch = Math.Clamp((16 << 20) / bytes, 1, 64);
                count = (count / batch) * batch;
                var doubles = Enumerable.Range(0, bytes / 8).Select(i => i * 0.5).ToArray();
                var frame = DoubleArraySerializer.Encode(doubles);
                double Rate(double seconds) => count * (double)bytes / seconds / 1e9;
                var raw = await MeasureAsync(a, b, count, batch, i => new FrameMessage(frame));
                var arr = await MeasureAsync(a, b, count, batch, i => doubles);
                var hyp = await MeasureAsync(a, b, Math.Max(batch, count / 4 / batch * batch), batch, i => new BulkRecord(i, doubles));
                Console.WriteLine($"{Size(bytes),10} {Rate(raw),15:F2} {Rate(arr),18:F2} {Math.Max(batch, count / 4 / batch * batch) * (double)bytes / hyp / 1e9,21:F2}");
            }
            return 0;
        }
        finally
        {
            await Task.WhenAll(a.Terminate(), b.Terminate());
        }
    }

    private static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MB" : $"{bytes >> 10} KB";

    /// <summary>Seconds to move <paramref name="count"/> messages from a to b, acknowledged every <paramref name="batch"/>.</summary>
    private static async Task<double> MeasureAsync(Akka.Actor.ActorSystem a, Akka.Actor.ActorSystem b, int count, int batch, Func<int, object> message)
    {
        string name = "recv-" + Guid.NewGuid().ToString("N")[..8];
        b.ActorOf(Props.Create(() => new Receiver(batch)), name);
        var address = Akka.Cluster.Cluster.Get(b).SelfAddress;
        var target = await a.ActorSelection(new RootActorPath(address) / "user" / name).ResolveOne(TimeSpan.FromSeconds(10));
        var inbox = Inbox.Create(a);
        // Warm-up batch (connection, JIT), not timed.
        for (int i = 0; i < batch; i++) target.Tell(message(i), inbox.Receiver);
        await inbox.ReceiveAsync(TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        for (int sent = 0; sent < count; sent += batch)
        {
            for (int i = 0; i < batch; i++) target.Tell(message(sent + i), inbox.Receiver);
            await inbox.ReceiveAsync(TimeSpan.FromSeconds(60));
        }
        return clock.Elapsed.TotalSeconds;
    }
}
