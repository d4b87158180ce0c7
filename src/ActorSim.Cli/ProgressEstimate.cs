namespace ActorSim.Cli;

/// <summary>
/// The ETA of a run from its recent rate: samples of (wall seconds, simulated t) are kept over the last
/// <see cref="WindowSeconds"/> of wall time, and the remaining simulated time is divided by the rate over that window
/// (a run that speeds up or slows down is estimated from how fast it goes now, not on average since the start).
/// </summary>
public sealed class ProgressEstimate(double end, double windowSeconds = 5)
{
    private readonly Queue<(double Wall, double T)> _samples = new();

    public double WindowSeconds { get; } = windowSeconds;

    public double End { get; } = end;

    /// <summary>The latest simulated time.</summary>
    public double T { get; private set; }

    /// <summary>Wall seconds since the start, at the latest sample.</summary>
    public double Elapsed { get; private set; }

    /// <summary>Adds where the run is (<paramref name="t"/>) at <paramref name="wallSeconds"/> since its start.</summary>
    public void Add(double wallSeconds, double t)
    {
        if (_samples.Count > 0 && _samples.Last().T == t && _samples.Last().Wall == wallSeconds) return;
        _samples.Enqueue((wallSeconds, t));
        T = t;
        Elapsed = wallSeconds;
        while (_samples.Count > 2 && _samples.Peek().Wall < wallSeconds - WindowSeconds) _samples.Dequeue();
    }

    /// <summary>t / end, 0 … 1.</summary>
    public double Fraction => End > 0 ? Math.Clamp(T / End, 0, 1) : 1;

    /// <summary>Seconds of wall time left at the recent rate; null before the run has moved or once it has stopped moving.</summary>
    public double? EtaSeconds
    {
        get
        {
            if (T >= End) return 0;
            if (_samples.Count < 2) return null;
            var (w0, t0) = _samples.Peek();
            double dWall = Elapsed - w0, dT = T - t0;
            if (!(dWall > 0) || !(dT > 0)) return null;
            return (End - T) / (dT / dWall);
        }
    }

    /// <summary>"0:07", "12:34", "1:02:03".</summary>
    public static string Clock(double seconds)
    {
        var s = TimeSpan.FromSeconds(Math.Max(0, Math.Round(seconds)));
        return s.TotalHours >= 1 ? $"{(int)s.TotalHours}:{s.Minutes:D2}:{s.Seconds:D2}" : $"{s.Minutes}:{s.Seconds:D2}";
    }
}
