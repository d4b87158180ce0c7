using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Tests.Cluster;
using ActorSim.Simulation.Tests.Output;
using FluentAssertions;
using Xunit.Abstractions;
using ActorSim.Numerics.Tests.Muscle;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>
/// Adaptive Dormand–Prince steps of the muscle particle runs (issue 14, item 2): order and tolerance proportionality
/// against the closed form of the linear constraint, sane rejections, bit-identical repeats and cluster runs, and
/// clear errors for the time keys. (Resume from a checkpoint: <c>CheckpointAllModelsTests</c>, kinds "*-adaptive".)
/// </summary>
public sealed class MuscleAdaptiveTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const double Mr = PeerLinearExample.Mr, Kr = PeerLinearExample.Kr, MassQ = PeerLinearExample.MassQ,
        StiffQ = PeerLinearExample.StiffQ, R0 = PeerLinearExample.R0;

    /// <summary>The peer's linear example (bench peer-linear) with n light springs, adaptive (tol) or fixed (dt).</summary>
    public static string PeerText(int n, double end, double? tol, double? dt = null, int blocks = 1) => new JsonObject
    {
        ["model"] = "muscle-1d",
        ["parameters"] = new JsonObject
        {
            ["method"] = "particles", ["constraint"] = "linear", ["G"] = -1.0, ["N"] = n, ["M"] = Mr, ["m"] = MassQ,
            ["k0"] = Kr, ["y_rest"] = 0.0, ["k1"] = StiffQ, ["x_star"] = 0.0,
            ["density"] = "uniform", ["x_lo"] = 0.0, ["x_hi"] = 1.0, ["sampling"] = "quantile", ["w1"] = "off",
        },
        ["initial"] = new JsonObject { ["y"] = R0, ["ydot"] = 0.0 },
        ["time"] = tol is { } t
            ? new JsonObject { ["end"] = end, ["output_interval"] = end / 4, ["rtol"] = t, ["atol"] = t }
            : new JsonObject { ["end"] = end, ["output_interval"] = end / 4, ["dt"] = dt },
        ["run"] = new JsonObject { ["blocks"] = blocks, ["seed"] = 1 },
    }.ToJsonString();

    /// <summary>Drives a particle model through its rounds in this thread (blocks in block order) up to tEnd.</summary>
    public static void Advance(IParticleModel model, IParticleKernel[] kernels, double tEnd)
    {
        var replies = new double[kernels.Length][];
        while (tEnd - model.Time > 1e-12 * Math.Max(1.0, tEnd))
        {
            var round = model.BeginStep(tEnd);
            while (round is not null)
            {
                for (int b = 0; b < kernels.Length; b++) replies[b] = kernels[b].Handle(round);
                round = model.Continue(replies);
            }
        }
    }

    private static (MuscleParticleRun Run, IParticleKernel[] Kernels, Func<double, double> Exact) Peer(int n, double end, double tol,
        int blocks = 1, double? firstStep = null)
    {
        var s = ScenarioLoader.Parse(PeerText(n, end, tol, blocks: blocks), "peer.json");
        var setup = Muscle1DDefinition.ParticleSetup(s, n, s.Run.Seed);
        if (firstStep is { } h) setup = setup with { Tolerances = setup.Tolerances! with { InitialStep = h } };
        var run = new MuscleParticleRun(setup);
        var kernels = Enumerable.Range(0, run.BlockCount).Select(run.CreateKernel).ToArray();
        var q0 = ParticleSampling.SampleRange(setup.Sampler, 0, n)[0];
        return (run, kernels, PeerLinearExample.ClosedForm(q0));
    }

    [Fact]
    public void Accepted_solution_converges_at_fifth_order_and_the_error_follows_the_tolerance()
    {
        const double T = 30.0;
        double[] tols = [1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11];
        var meanStep = new List<double>();
        var errors = new List<double>();
        foreach (double tol in tols)
        {
            // a first step of the right size: the automatic guess starts small and takes a few steps to grow, which
            // would blur the step counts of the loose tolerances
            var (run, kernels, exact) = Peer(2000, T, tol, firstStep: 0.5 * Math.Pow(tol / 1e-6, 0.2));
            Advance(run, kernels, T);
            double err = Math.Abs(run.Y[0] - exact(run.Time));
            run.Time.Should().Be(T, "the last step lands exactly on the end");
            var c = run.Counters;
            output.WriteLine($"tol {tol:E0}: {c.Accepted} accepted, {c.Rejected} rejected, {c.RhsEvaluations} stage rounds, error at T {err:E2}");
            c.Rejected.Should().BeLessThanOrEqualTo(2 + c.Accepted / 10, "a smooth problem rejects few steps");
            meanStep.Add(T / c.Accepted);
            errors.Add(err);
        }
        double order = LogLogSlope(meanStep, errors);
        double perTol = LogLogSlope(tols, errors);
        output.WriteLine($"error against mean step: slope {order:F2}; against tolerance: slope {perTol:F2}");
        order.Should().BeInRange(4.6, 6.0, "the accepted solution is 5th order (fixed steps: DormandPrinceParticleTests)");
        perTol.Should().BeInRange(0.85, 1.2, "tolerance proportionality of a local-extrapolation 5(4) pair");
        for (int i = 0; i < tols.Length; i++) errors[i].Should().BeLessThan(100 * tols[i]);
    }

    [Fact]
    public void Adaptive_runs_repeat_bit_for_bit_for_one_block_and_for_three()
    {
        foreach (int blocks in new[] { 1, 3 })
        {
            var (a, ka, _) = Peer(1001, 20.0, 1e-7, blocks);
            var (b, kb, _) = Peer(1001, 20.0, 1e-7, blocks);
            Advance(a, ka, 20.0);
            Advance(b, kb, 20.0);
            BitEqual(a.Y, b.Y).Should().BeTrue();
            BitEqual(a.Velocity, b.Velocity).Should().BeTrue();
            a.Counters.Should().Be(b.Counters);
            BitEqual(a.StepProposal, b.StepProposal).Should().BeTrue();
        }
    }

    /// <summary>Adaptive scenarios on the other paths: the 2D linear kernel with a harmonic W1 and 3 blocks, and the general path with a particle-mesh field and projection.</summary>
    public static TheoryData<string, string> Scenarios => new()
    {
        { "muscle-linear, 3 blocks", Adaptive("muscle-linear", end: 1.0, tol: 1e-7, blocks: 3) },
        { "muscle-deformation-2d, mesh, projection", Adaptive("muscle-deformation-2d", end: 0.2, tol: 1e-6, blocks: 3) },
    };

    /// <summary>A shipped scenario made adaptive (time.dt out, rtol = atol = tol in).</summary>
    public static string Adaptive(string name, double end, double tol, int blocks)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", name + ".json")))!.AsObject();
        var time = doc["time"]!.AsObject();
        time.Remove("dt");
        time["end"] = end;
        time["output_interval"] = end / 2;
        time["rtol"] = tol;
        time["atol"] = tol;
        doc["run"]!["blocks"] = blocks;
        if (doc["parameters"]!["N"] is { } n && (int)n > 3000) doc["parameters"]!["N"] = 3000;
        return doc.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task An_adaptive_run_on_three_cluster_nodes_gives_the_in_process_results_bit_for_bit(string name, string text)
    {
        var scenario = ScenarioLoader.Parse(text, "adaptive.json");
        string localDir = _dir.File("local"), clusterDir = _dir.File("cluster");
        var local = await Run(scenario, localDir);
        local.Status.Should().Be(RunStatus.Completed);
        local.Counters.Accepted.Should().BeGreaterThan(1);
        output.WriteLine($"{name}: {local.Counters}");

        await using var cluster = await InProcessCluster.StartAsync(3);
        var result = await ClusterRunner.RunAsync(scenario, text, cluster.RunOptions(clusterDir, minWorkers: 3));
        result.Status.Should().Be(RunStatus.Completed);
        result.ResultsSha256.Should().Be(local.ResultsSha256);
        File.ReadAllBytes(Path.Combine(clusterDir, "timeseries.csv")).Should().Equal(File.ReadAllBytes(Path.Combine(localDir, "timeseries.csv")));
        result.Counters.Should().Be(local.Counters);
    }

    [Fact]
    public void Adaptive_and_fixed_steps_are_chosen_by_the_time_keys_with_errors_naming_the_field()
    {
        var fixedRun = (MuscleParticleRun)new Muscle1DDefinition().Create(ScenarioLoader.Parse(PeerText(100, 5.0, tol: null, dt: 0.5), "p.json"));
        fixedRun.Adaptive.Should().BeFalse();
        var adaptive = (MuscleParticleRun)new Muscle1DDefinition().Create(ScenarioLoader.Parse(PeerText(100, 5.0, tol: 1e-6), "p.json"));
        adaptive.Adaptive.Should().BeTrue();
        adaptive.Setup.Tolerances!.RelTol.Should().Be(1e-6);

        string Errors(Action<JsonObject> edit)
        {
            var doc = JsonNode.Parse(PeerText(100, 5.0, tol: 1e-6))!.AsObject();
            edit(doc);
            var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(doc.ToJsonString(), "p.json"));
            string all = string.Join("\n", e.Errors.Select(x => x.ToString()));
            output.WriteLine(all);
            return all;
        }
        Errors(d => d["time"]!["rtol"] = 1.5).Should().Contain("$.time.rtol").And.Contain("> 0 and < 1");
        Errors(d => d["time"]!["rtol"] = 0.0).Should().Contain("$.time.rtol");
        Errors(d => d["time"]!["atol"] = -1e-9).Should().Contain("$.time.atol").And.Contain("> 0");
        Errors(d => d["time"]!["dt"] = 0.1).Should().Contain("$.time.dt").And.Contain("conflicts with time.rtol").And.Contain("not both");
        Errors(d => { d["time"]!.AsObject().Remove("rtol"); d["time"]!.AsObject().Remove("atol"); })
            .Should().Contain("$.time.dt").And.Contain("time.rtol / time.atol");
        Errors(d => d["parameters"]!["method"] = "meanfield").Should().Contain("$.time.rtol").And.Contain("CFL");
        // one tolerance alone is enough (the other takes the ODE default)
        var onlyAtol = JsonNode.Parse(PeerText(100, 5.0, tol: 1e-6))!.AsObject();
        onlyAtol["time"]!.AsObject().Remove("rtol");
        var s = ScenarioLoader.Parse(onlyAtol.ToJsonString(), "p.json");
        ((MuscleParticleRun)new Muscle1DDefinition().Create(s)).Setup.Tolerances!.RelTol.Should().Be(TimeSettings.DefaultRelTol);
    }
}
