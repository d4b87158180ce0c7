using System.Diagnostics;
using System.Globalization;
using ActorSim.Numerics.Densities;
using ActorSim.Numerics.Muscle;

namespace ActorSim.Bench;

/// <summary>
/// <c>expression [--n N] [--steps K] [--rounds R]</c>: RK4 steps of the 1D muscle particle model (one block, one
/// core, <see cref="SequentialMuscleDriver.Step"/>) with the built-in stretch constraint x / (1 + y) against the same
/// constraint given as the formula "x / (1 + y)" (parsed once, symbolic derivatives compiled to delegates) and the
/// seed's nonlinear formula -sin(0.1 q) / (1 + r^2) + 0.1 q. Reports ns per particle and stage and the ratio to the
/// built-in constraint measured in the same rounds (best of R rounds, interleaved), and the CPU other processes used.
/// </summary>
public sealed class ExpressionConstraintBenchmark : IBenchmark
{
    public string Name => "expression";
    public string Description => "1D particle step: formula constraint (compiled symbolic derivatives) vs the built-in stretch constraint";

    public int Run(string[] args)
    {
        int n = 1_000_000, steps = 5, rounds = 5;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int v = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i]) { case "--n": n = v; break; case "--steps": steps = v; break; case "--rounds": rounds = v; break; default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2; }
        }
        IDensity1D rho0 = new NormalDensity(2.5, 0.3);
        var x0 = new double[n];
        for (int i = 0; i < n; i++) x0[i] = rho0.Quantile((i + 0.5) / n);
        var configs = new (string Name, ParticleConstraint Constraint, double Y0)[]
        {
            ("stretch (built in)", new StretchConstraint1D(), 0.0),
            ("formula x / (1 + y)", new ExpressionConstraint1D("x / (1 + y)"), 0.0),
            ("formula -sin(0.1 q)/(1 + r^2) + 0.1 q", new ExpressionConstraint1D("-sin(0.1 * q) / (1 + r^2) + 0.1 * q"), 1.0),
        };
        var best = new double[configs.Length];
        Array.Fill(best, double.MaxValue);
        var others = new double[configs.Length];
        for (int r = 0; r < rounds; r++)
            for (int c = 0; c < configs.Length; c++)
            {
                var model = new MuscleModel
                {
                    Constraint = configs[c].Constraint, MacroMass = 2.0, ParticleMass = 1.0,
                    MacroPotential = new HarmonicMacroPotential([1.0]),
                };
                var driver = new SequentialMuscleDriver(model, [x0], [configs[c].Y0], [0.3]);
                driver.Step(1e-3); // warm-up
                var load = CpuLoad.Start();
                var clock = Stopwatch.StartNew();
                for (int k = 0; k < steps; k++) driver.Step(1e-3);
                double t = clock.Elapsed.TotalSeconds / steps;
                if (t < best[c]) { best[c] = t; others[c] = load.OthersCores(); }
            }
        Console.WriteLine($"N = {n}, {steps} steps per round, best of {rounds} rounds, one block on one core");
        for (int c = 0; c < configs.Length; c++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{configs[c].Name,-40} {best[c] * 1e3,8:F2} ms/step  {best[c] / (4.0 * n) * 1e9,6:F2} ns per particle-stage  ratio to built-in {best[c] / best[0],5:F2}  (others {others[c]:F2} cores)"));
        return 0;
    }
}
