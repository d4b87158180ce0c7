using Akka.Actor;
using System.Diagnostics;
using ActorSim.Actors;

namespace ActorSim.Bench;

/// <summary><c>pingpong [round-trips]</c>: in-process actor round-trip latency (two actors bouncing a message).</summary>
public sealed class PingPongBenchmark : IBenchmark
{
    public string Name => "pingpong";
    public string Description => "in-process actor runtime: round-trip latency between two actors";

    private sealed record Ball(int Remaining);

    private sealed class Player(TaskCompletionSource done) : Actor
    {
        protected override void Receive(object message)
        {
            var b = (Ball)message;
            if (b.Remaining == 0) done.TrySetResult();
            else Sender!.Tell(new Ball(b.Remaining - 1), Self);
        }
    }

    public int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 200_000;
        var system = ActorRuntime.CreateLocal("bench");
        for (int round = 0; round < 3; round++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var a = system.ActorOf(ActorFactory.Props(() => new Player(done)), $"a{round}");
            var b = system.ActorOf(ActorFactory.Props(() => new Player(done)), $"b{round}");
            var sw = Stopwatch.StartNew();
            a.Tell(new Ball(2 * n), b);
            done.Task.Wait();
            Console.WriteLine($"round {round}: {n} round trips in {sw.Elapsed.TotalMilliseconds:F0} ms = {sw.Elapsed.TotalMicroseconds / n:F2} µs per round trip");
        }
        return 0;
    }
}
