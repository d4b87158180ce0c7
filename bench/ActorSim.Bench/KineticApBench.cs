using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Bench;

/// <summary>
/// <c>kinetic-ap [--n N] [--steps K] [--reps R]</c>: the 1D AP micro–macro step now (second order, centred micro
/// transport, one fused pass; <see cref="MicroMacroSolver1D"/>, one slab, one thread) against the previous first-order
/// kernel (<see cref="LegacyMicroMacroSlab1D"/>, a frozen copy) in the same rounds, on the parameters and initial
/// state of scenarios/virus-kinetic-small-eps.json (ε = 0.01) with N cells (default 2^20). Counting as in
/// <c>kinetic</c>: 18 doubles = 144 B per cell and step (read ρ, g; write them), bound = bytes / vectorised triad.
/// </summary>
public sealed class KineticApBenchmark : IBenchmark
{
    public string Name => "kinetic-ap";
    public string Description => "1D AP kinetic step, second-order fused kernel vs the previous first-order one (same run), vs bandwidth bound";

    private const string ScenarioPath = "scenarios/virus-kinetic-small-eps.json";

    public int Run(string[] args)
    {
        int n = 1 << 20, steps = 20, reps = 3;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int v = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i]) { case "--n": n = v; break; case "--steps": steps = v; break; case "--reps": reps = v; break; default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2; }
        }
        var doc = JsonNode.Parse(File.ReadAllText(SubdomainRunTiming.FindRepoFile(ScenarioPath)))!.AsObject();
        doc["parameters"]!["nx"] = n;
        doc["run"]!["blocks"] = 1;
        var model = (VirusKineticModel)new VirusKineticDefinition().Create(ScenarioLoader.Parse(doc.ToJsonString(), ScenarioPath));
        double dt = model.MaxDt;
        Console.WriteLine($"\n== 1D AP kinetic step, {n:N0} cells, eps = {model.Epsilon}, {model.Grid.Boundary} boundary, dt = {dt:G3}; {steps} steps timed after one warm-up step; best per step over {reps} rounds");
        double bw = 0, bestNew = double.MaxValue, bestOld = double.MaxValue, diff = 0;
        for (int r = 0; r < reps; r++)
        {
            bw = Math.Max(bw, MuscleBenchmark.VectorTriadBytesPerSecond());
            var solver = new MicroMacroSolver1D(model.Grid, model.Parameters, model.Epsilon, 1);
            for (int s = 0; s < 3; s++) solver.SetInitialDensity(s, model.InitialDensity(s));
            solver.Step(dt);
            var loadNew = CpuLoad.Start();
            double tNew = Time(() => solver.Step(dt), steps);
            double othersNew = loadNew.OthersCores();
            var legacy = new LegacyMicroMacroSlab1D(model.Grid, model.Parameters, model.Epsilon, 0, 0, n);
            for (int s = 0; s < 3; s++) legacy.SetEquilibrium(s, model.InitialDensity(s));
            var halo = new double[legacy.HaloLength];
            void LegacyStep()
            {
                if (model.Grid.Boundary == KineticBoundary.Reflecting) { legacy.ApplyWall(HaloSide.Left); legacy.ApplyWall(HaloSide.Right); }
                else
                {
                    legacy.ExtractHalo(HaloSide.Right, halo); legacy.ApplyHalo(HaloSide.Left, halo);
                    legacy.ExtractHalo(HaloSide.Left, halo); legacy.ApplyHalo(HaloSide.Right, halo);
                }
                legacy.Step(dt);
            }
            LegacyStep();
            var loadOld = CpuLoad.Start();
            double tOld = Time(LegacyStep, steps);
            double othersOld = loadOld.OthersCores();
            bestNew = Math.Min(bestNew, tNew); bestOld = Math.Min(bestOld, tOld);
            diff = 0;
            for (int s = 0; s < 3; s++)
            {
                var a = solver.Density(s); var b = legacy.Density(s);
                for (int i = 0; i < n; i++) diff = Math.Max(diff, Math.Abs(a[i] - b[i]));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {r + 1}: triad {bw / 1e9:F1} GB/s; ns per cell-step: second order {tNew / n * 1e9:F2} (others {othersNew:F2} cores), previous first order {tOld / n * 1e9:F2} (others {othersOld:F2})"));
        }
        double bound = KineticBenchmark.BytesPerCellStep * n / bw;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"second order (fused, centred):   {bestNew * 1e3,8:F2} ms per step, {bestNew / n * 1e9,6:F2} ns per cell-step, {100 * bound / bestNew,5:F1} % of the bound ({bound * 1e3:F2} ms at {bw / 1e9:F2} GB/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"previous first order (upwinded): {bestOld * 1e3,8:F2} ms per step, {bestOld / n * 1e9,6:F2} ns per cell-step, {100 * bound / bestOld,5:F1} % of the bound"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"speed-up {bestOld / bestNew:F2}x; max |rho_new - rho_old| after {steps + 1} steps: {diff:E2} (the schemes differ by the old O(eps dx) term)"));
        return 0;
    }

    private static double Time(Action step, int steps)
    {
        double best = double.MaxValue;
        for (int k = 0; k < steps; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            step();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        return best;
    }
}
