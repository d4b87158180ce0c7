using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Tests.Particles;

internal static class ParticleTestSupport
{
    /// <summary>Generous bound for one run: a hang (e.g. a lost mailbox wake-up) fails the test instead of blocking the suite.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    /// <summary>A shipped scenario with edits applied to its JSON (shorter horizon, fewer particles, …), validated by the loader.</summary>
    public static Scenario Scenario(string name, Action<JsonObject>? edit = null)
    {
        string path = Path.Combine(RepoRoot.Path, "scenarios", name);
        var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit?.Invoke(doc);
        return ScenarioLoader.Parse(doc.ToJsonString(), path);
    }

    public static Task<RunResult> Run(Scenario s, string dir) => LocalRunner.RunAsync(s, new RunOptions(dir)).WaitAsync(RunTimeout);

    public static Task<RunResult> Run(Scenario s, IRunnableModel model, string dir) => LocalRunner.RunModelAsync(s, model, new RunOptions(dir)).WaitAsync(RunTimeout);

    /// <summary>The rows of timeseries.csv as column → value.</summary>
    public static List<Dictionary<string, double>> Rows(string dir)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "timeseries.csv"));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(',').Select((v, i) => (header[i], double.Parse(v, CultureInfo.InvariantCulture)))
            .ToDictionary(p => p.Item1, p => p.Item2)).ToList();
    }

    public static double[] ReadNpy(string path) => ActorSim.Simulation.Output.NpyReader.Read(path).Data;

    public static bool BitEqual(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i])) return false;
        return true;
    }

    public static bool BitEqual(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    /// <summary>Least-squares slope of log(e) against log(h).</summary>
    public static double LogLogSlope(IReadOnlyList<double> h, IReadOnlyList<double> e)
    {
        int n = h.Count;
        double mx = h.Average(Math.Log), my = e.Average(Math.Log), sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = Math.Log(h[i]) - mx;
            sxy += dx * (Math.Log(e[i]) - my); sxx += dx * dx;
        }
        return sxy / sxx;
    }
}

/// <summary>
/// Wraps a particle model so that its blocks answer each round after a block- and round-dependent delay
/// (reversed block order on even rounds, forward on odd ones): replies reach the coordinator in shuffled order.
/// Records the order in which blocks finished each round.
/// </summary>
internal sealed class DelayedReplies(IParticleModel inner) : IParticleModel
{
    private readonly object _lock = new();
    public List<(long Round, int Block)> Finished { get; } = [];
    public int BlockCount => inner.BlockCount;
    public double Time => inner.Time;
    public StepCounters Counters => inner.Counters;
    public IReadOnlyList<string> Columns => inner.Columns;
    public JsonObject Analysis() => inner.Analysis();
    public ParticleRound BeginStep(double tEnd) => inner.BeginStep(tEnd);
    public ParticleRound BeginOutput() => inner.BeginOutput();
    public ParticleRound? Continue(IReadOnlyList<double[]> replies) => inner.Continue(replies);
    public IReadOnlyList<FieldSnapshot> CompleteOutput(Span<double> row) => inner.CompleteOutput(row);
    public IParticleKernel CreateKernel(int block) => new Kernel(this, inner.CreateKernel(block));

    private sealed class Kernel(DelayedReplies owner, IParticleKernel k) : IParticleKernel
    {
        private long _round;
        public int Block => k.Block;

        public double[] Handle(ParticleRound round)
        {
            var r = k.Handle(round);
            long n = _round++;
            int b = Block, count = owner.BlockCount;
            Thread.Sleep(n % 2 == 0 ? 2 * (count - 1 - b) : 2 * b);
            lock (owner._lock) owner.Finished.Add((n, b));
            return r;
        }
    }
}
