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
            if (left <= TimeSpan.Zero)
                throw new ExpectationFailedException(
                    $"TestProbe '{probe.Name}': no {typeof(T).Name} matching the predicate within {timeout.TotalSeconds:0.#} s; skipped: " +
                    string.Join(", ", skipped));
            object message;
            try
            {
                message = probe.ExpectMsg<object>(left);
            }
            catch (ExpectationFailedException)
            {
                continue; // timed out: report with the skipped messages above
            }
            if (message is T typed && (predicate is null || predicate(typed))) return typed;
            skipped.Add(message);
        }
    }
}
