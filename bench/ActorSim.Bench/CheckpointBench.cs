using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Bench;

/// <summary>
/// <c>checkpoint [--n N] [--blocks B] [--steps K] [--every E] [--reps R]</c>: a <c>muscle-1d</c> particle run (stretch
/// constraint, N = 10^6 particles by default, 2 blocks) on the real actors (<see cref="LocalRunner"/>), once without and
/// once with a checkpoint every E steps. The model is wrapped so that the coordinator's side is timed: the gap
/// between the end of a step's last round and the start of the next step is the barrier time, which at a
/// checkpoint step holds the whole checkpoint (blocks write and fsync their files, the output writer flushes, the
/// manifest is written). Reported: bytes per checkpoint, the checkpoint write rate beside a plain sequential write
/// (write + fsync) and a SHA-256 of the same number of bytes measured in the same run, and the share of the run time
/// spent checkpointing at that interval and at the default interval (one per 60 s of wall time, from the measured
/// checkpoint time).
/// </summary>
public sealed class CheckpointBenchmark : IBenchmark
{
    public string Name => "checkpoint";
    public string Description => "checkpoint write rate and run-time share, muscle-1d particles N = 1e6, vs a plain sequential file write";

    public int Run(string[] args)
    {
        int n = 1_000_000, blocks = 2, steps = 100, every = 10, reps = 3;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--n": n = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--blocks": blocks = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--every": every = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--reps": reps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        Console.WriteLine($"triad bandwidth, 1 thread: {Triad.MeasureBytesPerSecond(1) / 1e9:F2} GB/s");
        Console.WriteLine($"\n== muscle-1d particles, stretch constraint, N = {n:N0}, {blocks} blocks, {steps} RK4 steps (dt = 0.01), outputs every 50 steps; checkpoints every {every} steps");

        double plainBest = double.MaxValue, ckptBest = double.MaxValue;
        var perCheckpoint = new List<double>();
        var stepGaps = new List<double>();
        long bytes = 0;
        string? shaPlain = null, shaCkpt = null;
        for (int rep = 0; rep < reps; rep++)
        {
            var load = CpuLoad.Start();
            var plain = RunOnce(n, blocks, steps, null);
            var ckpt = RunOnce(n, blocks, steps, every);
            plainBest = Math.Min(plainBest, plain.Wall);
            ckptBest = Math.Min(ckptBest, ckpt.Wall);
            perCheckpoint.AddRange(ckpt.CheckpointGaps);
            stepGaps.AddRange(ckpt.OtherGaps);
            bytes = ckpt.Bytes;
            shaPlain = plain.Sha; shaCkpt = ckpt.Sha;
            Console.WriteLine($"round {rep + 1}: run without checkpoints {plain.Wall:F3} s (steps {plain.StepsTime:F3} s, set-up {plain.FirstStepAt:F3} s), with {ckpt.CheckpointGaps.Count} checkpoints {ckpt.Wall:F3} s (steps {ckpt.StepsTime:F3} s, set-up {ckpt.FirstStepAt:F3} s); " +
                              $"checkpoint barrier median {Median(ckpt.CheckpointGaps) * 1e3:F1} ms, other barriers median {Median(ckpt.OtherGaps) * 1e3:F3} ms; other processes {load.OthersCores():F2} cores");
        }
        if (shaPlain != shaCkpt) throw new InvalidOperationException("checkpoints changed the result");

        // The same number of bytes written by a plain sequential write (one file, write + fsync) and hashed, in this run.
        var (write, hash) = PlainWrite(bytes, blocks);
        var (folder, blockFiles, manifest) = StoreOnly(bytes, blocks);
        double ckptTime = Median(perCheckpoint) - Median(stepGaps);
        double share = perCheckpoint.Count == 0 ? 0 : (perCheckpoint.Sum() / reps - Median(stepGaps) * perCheckpoint.Count / reps) / ckptBest;
        Console.WriteLine($"\nbytes per checkpoint: {bytes / 1e6:F1} MB ({bytes / (double)n:F1} B per particle: X and g(X^init, y^init)) in {blocks} block files + manifest");
        Console.WriteLine($"checkpoint time (median barrier at a checkpoint step minus median barrier elsewhere): {ckptTime * 1e3:F1} ms -> {bytes / ckptTime / 1e6:F0} MB/s");
        Console.WriteLine($"plain sequential write of the same bytes ({blocks} new files, write + fsync, older files deleted, best of 7): {write * 1e3:F1} ms -> {bytes / write / 1e6:F0} MB/s; SHA-256 of the same bytes: {hash * 1e3:F1} ms -> {bytes / hash / 1e6:F0} MB/s");
        Console.WriteLine($"CheckpointStore alone, same bytes (median of 7): create folder {folder * 1e3:F1} ms, block files in parallel (state copy, write, fsync, rename, SHA-256) {blockFiles * 1e3:F1} ms, manifest (write, fsync, rename, prune the oldest) {manifest * 1e3:F1} ms; total {(folder + blockFiles + manifest) * 1e3:F1} ms");
        Console.WriteLine($"checkpoint write rate / plain write rate: {write / ckptTime:F2}; checkpoint time / (plain write + SHA-256): {ckptTime / (write + hash):F2}; checkpoint time / CheckpointStore alone: {ckptTime / (folder + blockFiles + manifest):F2}");
        Console.WriteLine($"share of run time spent checkpointing, every {every} steps: {100 * share:F1} % (from the barriers); wall time with / without checkpoints: {ckptBest / plainBest:F3}");
        Console.WriteLine($"share at the default interval (every {CheckpointSettings.DefaultSeconds:F0} s of wall time): {100 * ckptTime / (CheckpointSettings.DefaultSeconds + ckptTime):F3} %");
        return 0;
    }

    private static double Median(List<double> x) => x.Count == 0 ? 0 : x.Order().ElementAt(x.Count / 2);

    private sealed record Timing(double Wall, List<double> CheckpointGaps, List<double> OtherGaps, long Bytes, string Sha, double StepsTime, double FirstStepAt);

    private static Timing RunOnce(int n, int blocks, int steps, int? every)
    {
        string cp = every is { } e ? $", \"checkpoint\": {{ \"steps\": {e} }}" : "";
        var scenario = ScenarioLoader.Parse($$"""
            { "model": "muscle-1d", "parameters": { "method": "particles", "constraint": "stretch", "N": {{n}}, "M": 1.0, "m": 1.0,
              "k0": 4.0, "k1": 2.0, "x_star": 0.5, "density": "sine-bump", "x_lo": 0.5, "x_hi": 1.5 },
              "initial": { "y": 0.0, "ydot": 0.6 }, "time": { "end": {{(steps * 0.01).ToString("R", CultureInfo.InvariantCulture)}}, "output_interval": {{Math.Min(0.5, steps * 0.01).ToString("R", CultureInfo.InvariantCulture)}}, "dt": 0.01 },
              "run": { "blocks": {{blocks}}, "seed": 11 {{cp}} } }
            """, "checkpoint-bench.json");
        var model = new TimedParticleModel((IParticleModel)ModelCatalog.Find(scenario.Model)!.Create(scenario));
        string dir = Directory.CreateTempSubdirectory("actorsim-bench-ckpt-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var r = LocalRunner.RunModelAsync(scenario, model, new RunOptions(dir)).GetAwaiter().GetResult();
            double wall = clock.Elapsed.TotalSeconds;
            if (r.Status != RunStatus.Completed) throw new InvalidOperationException($"run {r.Status}: {r.Reason}");
            var checkpointGaps = new List<double>();
            var otherGaps = new List<double>();
            // Barrier k: from the end of step k to the start of step k + 1 (outputs every 50 steps are left out).
            for (int k = 1; k < model.StepEnds.Count && k < model.StepStarts.Count; k++)
            {
                long step = k;   // step k ended at StepEnds[k - 1]
                if (step % 50 == 0) continue;
                double gap = model.StepStarts[k] - model.StepEnds[k - 1];
                if (every is { } ev && step % ev == 0) checkpointGaps.Add(gap);
                else otherGaps.Add(gap);
            }
            long bytes = 0;
            if (every is not null)
            {
                string cps = Path.Combine(dir, CheckpointSettings.DefaultDirectoryName);
                string last = Directory.GetDirectories(cps, "ckpt-*").Order().Last();
                bytes = CheckpointStore.Load(last).Manifest.Blocks.Sum(b => b.Length) + new FileInfo(Path.Combine(last, CheckpointStore.ManifestName)).Length;
            }
            double stepsTime = 0;
            for (int k = 0; k < model.StepEnds.Count; k++) stepsTime += model.StepEnds[k] - model.StepStarts[k];
            return new Timing(wall, checkpointGaps, otherGaps, bytes, r.ResultsSha256, stepsTime, model.StepStarts[0]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Best of 7: writing <paramref name="bytes"/> bytes in <paramref name="files"/> new files (write, fsync, as a block writes its file; the files of two repetitions ago deleted, as pruning does) and hashing them.</summary>
    private static (double Write, double Hash) PlainWrite(long bytes, int files)
    {
        string dir = Directory.CreateTempSubdirectory("actorsim-bench-write-").FullName;
        try
        {
            var data = new byte[bytes / files];
            new System.Random(1).NextBytes(data);
            double write = double.MaxValue, hash = double.MaxValue;
            for (int rep = 0; rep < 7; rep++)
            {
                // New files every time, and the files of two repetitions ago deleted, as checkpoints are written and pruned.
                var sw = Stopwatch.StartNew();
                for (int f = 0; f < files; f++)
                {
                    using var s = new FileStream(Path.Combine(dir, $"r{rep}-f{f}.bin"), FileMode.CreateNew, FileAccess.Write, FileShare.None);
                    s.Write(data);
                    s.Flush(flushToDisk: true);
                }
                for (int f = 0; f < files && rep >= 2; f++) File.Delete(Path.Combine(dir, $"r{rep - 2}-f{f}.bin"));
                write = Math.Min(write, sw.Elapsed.TotalSeconds);
                sw.Restart();
                for (int f = 0; f < files; f++) SHA256.HashData(data);
                hash = Math.Min(hash, sw.Elapsed.TotalSeconds);
            }
            return (write, hash);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Median of 7: the file work of one checkpoint through <see cref="CheckpointStore"/> without actors, for <paramref name="blocks"/> blocks of equal size.</summary>
    private static (double Folder, double Blocks, double Manifest) StoreOnly(long bytes, int blocks)
    {
        string dir = Directory.CreateTempSubdirectory("actorsim-bench-store-").FullName;
        try
        {
            var states = Enumerable.Range(0, blocks).Select(b => Enumerable.Range(0, (int)(bytes / 8 / blocks)).Select(i => (double)i * (b + 1)).ToArray()).ToArray();
            var folder = new List<double>(); var block = new List<double>(); var manifest = new List<double>();
            for (int rep = 0; rep < 7; rep++)
            {
                var sw = Stopwatch.StartNew();
                string f = CheckpointStore.CreateFolder(dir, rep + 1);
                folder.Add(sw.Elapsed.TotalSeconds);
                sw.Restart();
                var files = new CheckpointBlockFile[blocks];
                Parallel.For(0, blocks, b =>
                {
                    var copy = new double[states[b].Length];
                    states[b].CopyTo(copy, 0);
                    files[b] = CheckpointStore.WriteBlock(f, b, copy);
                });
                block.Add(sw.Elapsed.TotalSeconds);
                sw.Restart();
                CheckpointStore.WriteManifest(f, new CheckpointManifest("bench", 0, rep + 1, rep + 1, 0, 0, [], [1.0], files, [1.0, 2.0]));
                manifest.Add(sw.Elapsed.TotalSeconds);
            }
            return (Median(folder), Median(block), Median(manifest));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The model as it is, recording when each step starts (<see cref="BeginStep"/>) and ends (the step's last round).</summary>
    private sealed class TimedParticleModel(IParticleModel inner) : IParticleModel, ICheckpointableModel
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private bool _stepping;
        public List<double> StepStarts { get; } = [];
        public List<double> StepEnds { get; } = [];
        public IReadOnlyList<string> Columns => inner.Columns;
        public JsonObject Analysis() => inner.Analysis();
        public int BlockCount => inner.BlockCount;
        public IParticleKernel CreateKernel(int block) => inner.CreateKernel(block);
        public IParticleKernel CreateKernelForRestore(int block) => inner.CreateKernelForRestore(block);
        public double Time => inner.Time;
        public StepCounters Counters => inner.Counters;

        public ParticleRound BeginStep(double tEnd)
        {
            StepStarts.Add(_clock.Elapsed.TotalSeconds);
            _stepping = true;
            return inner.BeginStep(tEnd);
        }

        public ParticleRound BeginOutput()
        {
            _stepping = false;
            return inner.BeginOutput();
        }

        public ParticleRound? Continue(IReadOnlyList<double[]> replies)
        {
            var next = inner.Continue(replies);
            if (next is null && _stepping) StepEnds.Add(_clock.Elapsed.TotalSeconds);
            return next;
        }

        public IReadOnlyList<FieldSnapshot> CompleteOutput(Span<double> row) => inner.CompleteOutput(row);
        public double[] SaveCoordinatorState() => ((ICheckpointableModel)inner).SaveCoordinatorState();
        public void LoadCoordinatorState(ReadOnlySpan<double> state) => ((ICheckpointableModel)inner).LoadCoordinatorState(state);
    }
}
