using System.Diagnostics;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// A stand-in for a slower machine, for testing load balancing (environment variable <c>ACTORSIM_NODE_SLOWDOWN</c> of an
/// <c>actorsim node</c>, a factor ≥ 1; unset or 1: off). The node's blocks then compute one at a time, and each piece
/// of work is followed by a sleep of (factor − 1) times its duration: the node behaves like one core that is
/// <c>factor</c> times slower, without taking CPU from the other processes on the machine. Results are unchanged.
/// </summary>
internal static class NodeSlowdown
{
    public const string Variable = "ACTORSIM_NODE_SLOWDOWN";

    private static readonly object Gate = new();
    private static double _owed; // seconds of sleep not yet taken (sleeps shorter than a millisecond are gathered)

    public static double Factor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable(Variable), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var f)
        && double.IsFinite(f) && f > 1 ? f : 1;

    public static bool Active => Factor > 1;

    /// <summary>Runs <paramref name="work"/> on the slowed node (callers check <see cref="Active"/> first).</summary>
    public static T Run<T, TState>(Func<TState, T> work, TState state)
    {
        lock (Gate)
        {
            long start = Stopwatch.GetTimestamp();
            var result = work(state);
            _owed += Stopwatch.GetElapsedTime(start).TotalSeconds * (Factor - 1);
            if (_owed >= 1e-3)
            {
                long slept = Stopwatch.GetTimestamp();
                Thread.Sleep(TimeSpan.FromSeconds(_owed));
                _owed -= Stopwatch.GetElapsedTime(slept).TotalSeconds;
            }
            return result;
        }
    }
}
