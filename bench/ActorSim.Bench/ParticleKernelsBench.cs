using System.Diagnostics;
using System.Globalization;
using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Numerics.Tests.Muscle.Huxley;
using ActorSim.Numerics.Tests.Virus.Kinetic;
using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Bench;

/// <summary>
/// <c>particle-kernels [--huxley-n 1e7] [--mc-particles 2e6] [--steps 10] [--reps 2] [--skip-huxley] [--skip-mc]
/// [--huxley-path auto|scalar|avx2|avx512] [--mc-path auto|scalar|avx2]</c>
/// (issue 14): the per-step particle pass of <c>huxley-particles</c> and <c>virus-kinetic-mc</c>, each before (Huxley:
/// the per-particle path, same particles, same run, and the previous fused kernel, a frozen copy, as a second row; MC:
/// the previous kernel, a frozen copy drawing from another stream) and after, one block on one core, in ns per
/// particle and step, as % of the counted bandwidth bound (bytes per particle and step / vectorised 1-thread triad of
/// the same run), with bytes allocated per step and a check of after against before (Huxley: bit for bit; MC: the
/// species' masses within 5 / √count, relative).
/// Counting (8-byte doubles, 1-byte flags, write-allocate not counted, as in STREAM; the counter-based random streams
/// have no state in memory): <b>huxley-particles</b> 18 B per bridge and step (read x and the attached flag, write
/// both; the moment partials come out of the same pass, the "before" path reads x and the flags a second time for
/// them, which is not counted); <b>virus-kinetic-mc</b> 50 B per particle and step (deposit: read x, w; react and move:
/// read x, w, velocity index, write them; the per-step partial masses of the bounds: read w again before, fused after,
/// not counted), the w species' extra velocity read in the deposit not counted either.
/// </summary>
public sealed class ParticleKernelsBenchmark : IBenchmark
{
    public string Name => "particle-kernels";
    public string Description => "issue 14: huxley-particles and virus-kinetic-mc particle passes before/after, % of the bandwidth bound, B/step";

    public const double HuxleyBytesPerBridgeStep = 18, McBytesPerParticleStep = 50;

    private sealed record Options(int HuxleyN, int McParticles, int Steps, int Reps, bool SkipHuxley, bool SkipMc, HuxleyKernelPath HuxleyPath, VirusKernelPath McPath)
    {
        public static Options? Parse(string[] args)
        {
            int huxleyN = 10_000_000, mc = 2_000_000, steps = 10, reps = 2;
            bool skipHuxley = false, skipMc = false;
            var path = HuxleyKernelPath.Auto;
            var mcPath = VirusKernelPath.Auto;
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--huxley-n": huxleyN = (int)double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--mc-particles": mc = (int)double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--steps": steps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--reps": reps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--skip-huxley": skipHuxley = true; break;
                    case "--skip-mc": skipMc = true; break;
                    case "--mc-path":
                        string mcName = Next();
                        if (!Enum.TryParse(mcName, ignoreCase: true, out mcPath) || !VirusParticleSubdomain1D.IsSupported(mcPath))
                            throw new ArgumentException($"--mc-path {mcName}: allowed are {string.Join(", ", Enum.GetValues<VirusKernelPath>().Where(VirusParticleSubdomain1D.IsSupported))} on this machine");
                        break;
                    case "--huxley-path":
                        string name = Next();
                        if (!Enum.TryParse(name, ignoreCase: true, out path) || !HuxleyParticleBlock.IsSupported(path))
                            throw new ArgumentException($"--huxley-path {name}: allowed are {string.Join(", ", Enum.GetValues<HuxleyKernelPath>().Where(HuxleyParticleBlock.IsSupported))} on this machine");
                        break;
                    default: Console.Error.WriteLine($"unknown option {args[i]}"); return null;
                }
            }
            return new Options(huxleyN, mc, steps, Math.Max(1, reps), skipHuxley, skipMc, path, mcPath);
        }
    }

    private sealed record Row(string Name, double Bytes, double After, double Before, long AllocAfter, long AllocBefore, bool Identical, double Others, double CpuAfter, double CpuBefore);

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    public int Run(string[] args)
    {
        var o = Options.Parse(args);
        if (o is null) return 2;
        double bw0 = MuscleBenchmark.VectorTriadBytesPerSecond();
        Console.WriteLine($"vectorised triad, 1 thread: {bw0 / 1e9:F2} GB/s");
        var rows = new List<Row>();
        if (!o.SkipHuxley) rows.AddRange(Huxley(o));
        if (!o.SkipMc) rows.Add(MonteCarlo(o));
        double bw1 = MuscleBenchmark.VectorTriadBytesPerSecond();
        double bw = Math.Max(bw0, bw1);
        Console.WriteLine($"vectorised triad, 1 thread: {bw0 / 1e9:F2} GB/s before, {bw1 / 1e9:F2} GB/s after the kernels; bound uses {bw / 1e9:F2} GB/s");
        Console.WriteLine($"{"kernel",-34} {"B/p-step",8} {"after ns/p",11} {"% bound",8} {"before ns/p",12} {"% bound",8} {"speed-up",9} {"B alloc/step after, before",27} {"bits",5} {"others",7} {"cpu-time ns/p after, before",28} {"% bound by cpu-time",20}");
        foreach (var r in rows)
        {
            double bound = r.Bytes / bw * 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-34} {r.Bytes,8:F0} {r.After,11:F3} {100 * bound / r.After,7:F1}% {r.Before,12:F3} {100 * bound / r.Before,7:F1}% {r.Before / r.After,8:F1}x {r.AllocAfter,13} {r.AllocBefore,13} {(r.Identical ? "same" : "DIFF"),5} {r.Others,7:F2} {r.CpuAfter,13:F3} {r.CpuBefore,14:F3} {100 * bound / r.CpuAfter,9:F1}% {100 * bound / r.CpuBefore,9:F1}%"));
        }
        return rows.All(r => r.Identical) ? 0 : 1;
    }

    /// <summary>
    /// huxley-particles: N bridges on the lattice of the window, isometric start, shortening at V = 1, dt = 0.002. Two
    /// rows: the current fused step (32-bit uniforms, 8-lane moment sums) against its per-bridge definition, and the
    /// previous fused step (53-bit uniforms, moments in bridge order; a frozen copy) against its per-bridge loop.
    /// </summary>
    private static IEnumerable<Row> Huxley(Options o)
    {
        int n = o.HuxleyN;
        const double xMin = -1.0, length = 2.5, dt = 0.002, v = -1.0;
        const ulong seed = 2024;
        var rates = HuxleyRates.Standard;
        Console.WriteLine($"\n== huxley-particles: N = {n:N0} bridges, one block on one core, {o.Steps} steps (dt = {dt}, v = {v}) after 2 warm-up steps, best of {o.Reps} rounds");
        double[] Lattice(int count)
        {
            var x = new double[count];
            for (int i = 0; i < count; i++) x[i] = xMin + (i + 0.5) * length / count;
            return x;
        }
        Func<double, double> iso = p => { double f = rates.Attach(p), g = rates.Detach(p); return f + g > 0 ? f / (f + g) : 0.0; };
        HuxleyParticleBlock Make(int count)
        {
            var b = new HuxleyParticleBlock(rates, 0, xMin, length, Lattice(count));
            b.Randomize(iso, seed, uint.MaxValue);
            return b;
        }
        LegacyHuxleyParticleBlock MakeLegacy(int count)
        {
            var b = new LegacyHuxleyParticleBlock(rates, 0, xMin, length, Lattice(count));
            b.Randomize(iso, seed, uint.MaxValue);
            return b;
        }
        var m = new double[3];
        {
            var w = Make(4096); var l = MakeLegacy(4096);
            for (ulong k = 0; k < 200; k++)
            {
                w.Step(seed, k, dt, v, m); w.StepReference(seed, k, dt, v); w.MomentPartials(m);
                l.Step(seed, k, dt, v, m); l.StepReference(seed, k, dt, v); l.MomentPartials(m);
            }
        }
        Row Measure(string name, Action<ulong, double[]> after, Action<ulong, double[]> before, Func<bool> same, Func<int> attached)
        {
            double tAfter = double.MaxValue, tBefore = double.MaxValue, cAfter = double.MaxValue, cBefore = double.MaxValue;
            long aAfter = long.MaxValue, aBefore = long.MaxValue;
            ulong step = 0;
            var mAfter = new double[3]; var mBefore = new double[3];
            var load = CpuLoad.Start();
            for (int k = 0; k < 2; k++, step++) { after(step, mAfter); before(step, mBefore); }
            for (int r = 0; r < o.Reps; r++)
            {
                ulong s0 = step;
                double c0 = Cpu();
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                for (int k = 0; k < o.Steps; k++) after(s0 + (ulong)k, mAfter);
                double t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                aAfter = Math.Min(aAfter, (GC.GetAllocatedBytesForCurrentThread() - a0) / o.Steps);
                cAfter = Math.Min(cAfter, Cpu() - c0);
                tAfter = Math.Min(tAfter, t);
                c0 = Cpu();
                a0 = GC.GetAllocatedBytesForCurrentThread();
                t0 = Stopwatch.GetTimestamp();
                for (int k = 0; k < o.Steps; k++) before(s0 + (ulong)k, mBefore);
                t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                aBefore = Math.Min(aBefore, (GC.GetAllocatedBytesForCurrentThread() - a0) / o.Steps);
                cBefore = Math.Min(cBefore, Cpu() - c0);
                tBefore = Math.Min(tBefore, t);
                step += (ulong)o.Steps;
            }
            bool identical = same() && mAfter.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(mBefore.Select(BitConverter.DoubleToInt64Bits));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: after {tAfter / o.Steps:F4} s per step, before {tBefore / o.Steps:F4} s; attached {attached():N0} of {n:N0}; state after {step} steps bit for bit {(identical ? "equal" : "DIFFERENT")}"));
            return new Row(name, HuxleyBytesPerBridgeStep, tAfter / o.Steps / n * 1e9, tBefore / o.Steps / n * 1e9, aAfter, aBefore, identical, load.OthersCores(),
                cAfter / o.Steps / n * 1e9, cBefore / o.Steps / n * 1e9);
        }
        {
            var after = Make(n); var before = Make(n);
            after.KernelPath = o.HuxleyPath;
            Console.WriteLine($"kernel path: {o.HuxleyPath}");
            yield return Measure("huxley-particles (fused step+moments)",
                (k, mm) => after.Step(seed, k, dt, v, mm),
                (k, mm) => { before.StepReference(seed, k, dt, v); before.MomentPartials(mm); },
                () => after.Positions.SequenceEqual(before.Positions) && after.Attached.SequenceEqual(before.Attached),
                () => after.Attached.ToArray().Count(a => a));
        }
        {
            var after = MakeLegacy(n); var before = MakeLegacy(n);
            yield return Measure("huxley previous (53-bit, serial sums)",
                (k, mm) => after.Step(seed, k, dt, v, mm),
                (k, mm) => { before.StepReference(seed, k, dt, v); before.MomentPartials(mm); },
                () => after.Positions.SequenceEqual(before.Positions) && after.Attached.SequenceEqual(before.Attached),
                () => after.Attached.ToArray().Count(a => a));
        }
    }

    /// <summary>virus-kinetic-mc: the shipped scenario's parameters with more particles, one slab, from its initial state.</summary>
    private static Row MonteCarlo(Options o)
    {
        string path = SubdomainRunTiming.FindRepoFile(Path.Combine("scenarios", "virus-kinetic-mc.json"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        node["parameters"]!["particles"] = o.McParticles;
        node["run"]!["blocks"] = 1;
        var scenario = ScenarioLoader.Parse(node.ToJsonString(), "virus-kinetic-mc.json");
        var model = (VirusKineticMcModel)new VirusKineticMcDefinition().Create(scenario);
        var weights = model.NominalWeights.ToArray();
        var mc = new VirusParticleMonteCarlo1D(model.Grid, model.Parameters, model.Epsilon, weights, 1, model.Seed);
        var legacy = new PreviousVirusParticleMonteCarlo1D(model.Grid, model.Parameters, model.Epsilon, weights, 1, model.Seed);
        for (int s = 0; s < 3; s++) { mc.SampleCells(s, model.InitialDensity(s)); legacy.SampleCells(s, model.InitialDensity(s)); }
        mc.Subdomains[0].KernelPath = o.McPath;
        // room for the growth of the measured steps (u grows by its source, v and w by infection), so that the bytes
        // allocated per step are the kernel's, not the stores' doubling (a run reaches its working capacity early)
        for (int s = 0; s < 3; s++)
        {
            int room = 2 * mc.ParticleCount(s) + o.McParticles;
            mc.Subdomains[0].Particles(s).EnsureCapacity(room); legacy.Subdomains[0].Particles(s).EnsureCapacity(room);
        }
        double dt = Math.Min(model.MaxDt, mc.MaxTimeStep);
        Console.WriteLine($"\n== virus-kinetic-mc: scenarios/virus-kinetic-mc.json with particles = {o.McParticles:N0}, one slab on one core, " +
            $"{o.Steps} steps (dt = {dt:G4}) from the initial state after 2 warm-up steps, best of {o.Reps} rounds; a step = deposit, halos, react and move, accept, partial masses");
        double tAfter = double.MaxValue, tBefore = double.MaxValue, cAfter = double.MaxValue, cBefore = double.MaxValue;
        long aAfter = long.MaxValue, aBefore = long.MaxValue;
        double particleSteps = 0;
        var load = CpuLoad.Start();
        double sink = 0;
        for (int k = 0; k < 2; k++) { mc.Step(dt); legacy.Step(dt); }
        for (int r = 0; r < o.Reps; r++)
        {
            particleSteps = 0;
            double c0 = Cpu();
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < o.Steps; k++)
            {
                particleSteps += mc.ParticleCount(0) + mc.ParticleCount(1) + mc.ParticleCount(2);
                mc.Step(dt);
                for (int s = 0; s < 3; s++) sink += mc.Subdomains[0].PartialMass(s); // the bounds each step asks for
            }
            double t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            aAfter = Math.Min(aAfter, (GC.GetAllocatedBytesForCurrentThread() - a0) / o.Steps);
            cAfter = Math.Min(cAfter, (Cpu() - c0) / particleSteps);
            tAfter = Math.Min(tAfter, t / particleSteps);
            c0 = Cpu();
            a0 = GC.GetAllocatedBytesForCurrentThread();
            t0 = Stopwatch.GetTimestamp();
            double before = 0;
            for (int k = 0; k < o.Steps; k++)
            {
                before += legacy.ParticleCount(0) + legacy.ParticleCount(1) + legacy.ParticleCount(2);
                legacy.Step(dt);
                for (int s = 0; s < 3; s++) sink += legacy.Subdomains[0].PartialMass(s);
            }
            t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            aBefore = Math.Min(aBefore, (GC.GetAllocatedBytesForCurrentThread() - a0) / o.Steps);
            cBefore = Math.Min(cBefore, (Cpu() - c0) / before);
            tBefore = Math.Min(tBefore, t / before);
        }
        // the kernels draw from different streams (#14: per-particle 32-bit streams now), so the particles differ; the
        // masses of the two must agree within the noise of the process (relative 5 / sqrt(particle count))
        bool same = true;
        var compare = new System.Text.StringBuilder();
        for (int s = 0; s < 3; s++)
        {
            double ma = mc.TotalMass(s), mb = legacy.TotalMass(s);
            compare.Append(CultureInfo.InvariantCulture, $" species {s}: mass {ma:G6} vs {mb:G6} ({(ma / mb - 1) * 100:+0.000;-0.000} %), count {mc.ParticleCount(s):N0} vs {legacy.ParticleCount(s):N0};");
            same &= Math.Abs(ma / mb - 1) < 5 / Math.Sqrt(mc.ParticleCount(s));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"path {o.McPath}; after {tAfter * 1e9:F2} ns, before {tBefore * 1e9:F2} ns per particle-step; after vs before (different streams):{compare} (checksum {sink:G6})"));
        return new Row("virus-kinetic-mc (step + masses)", McBytesPerParticleStep, tAfter * 1e9, tBefore * 1e9, aAfter, aBefore, same, load.OthersCores(),
            cAfter * 1e9, cBefore * 1e9);
    }
}
