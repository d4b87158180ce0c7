using Akka.TestKit;
using ActorSim.Actors.TestKit;

namespace ActorSim.Actors.Tests.Remote;

public static class TestProbeExtensions
{
    /// <summary>Consumes messages until one of type <typeparamref name="T"/> matches <paramref name="predicate"/>; returns it.</summary>
    public static T FishFor<T>(this TestProbe probe, Func<T, bool>? predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var skipped = new List<object>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            object? message = left > TimeSpan.Zero ? probe.ReceiveOne(left) : null;
            if (message is null)
                throw new ExpectationFailedException(
                    $"TestProbe '{probe.Ref.Path.Name}': no {typeof(T).Name} matching the predicate within {timeout.TotalSeconds:0.#} s; skipped: " +
                    string.Join(", ", skipped));
            if (message is T typed && (predicate is null || predicate(typed))) return typed;
            skipped.Add(message);
        }
    }
}
