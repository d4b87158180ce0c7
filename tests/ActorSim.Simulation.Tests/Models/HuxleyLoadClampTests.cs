using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>huxley-pde under a load clamp: quick release, isotonic shortening, ATP rate, force–velocity from loads.</summary>
public sealed class HuxleyLoadClampTests(ITestOutputHelper output) : ModelRunTests("actorsim-load-")
{
    private static Dictionary<string, double> At(List<Dictionary<string, double>> rows, double t) => rows.Single(r => Math.Abs(r["t"] - t) < 1e-9);

    [Fact]
    public void Quick_release_shifts_the_bridges_so_that_Q1_moves_by_exactly_delta_Q0()
    {
        var solver = new HuxleyUpwindSolver(HuxleyRates.Standard, -1.0, 0.01, 250);
        solver.SetIsometric();
        double q0 = solver.Moment(0), q1 = solver.Moment(1);
        foreach (double delta in new[] { -0.237, -0.01, 0.0431 })
        {
            var s = new HuxleyUpwindSolver(HuxleyRates.Standard, -1.0, 0.01, 250);
            s.SetIsometric();
            s.Shift(delta);
            s.Moment(0).Should().BeApproximately(q0, 1e-14);
            s.Moment(1).Should().BeApproximately(q1 + delta * q0, 1e-14);
        }
    }

    [Fact]
    public void Isotonic_velocity_keeps_Q1_at_the_load_to_round_off()
    {
        var s = new HuxleyUpwindSolver(HuxleyRates.Standard, -2.0, 0.01, 350);
        s.SetIsometric();
        double target = 0.3 * 0.4;
        s.Shift((target - s.Moment(1)) / s.Moment(0));
        const double dt = 0.002; // inside the upwind CFL limit 1 / (|v| / dx + max(f + g)) for |v| < 4
        for (int k = 0; k < 500; k++)
        {
            double v = s.IsotonicVelocity(dt, target);
            v.Should().BeNegative("below the isometric force the muscle shortens");
            dt.Should().BeLessThan(s.StableTimeStep(v));
            s.Step(dt, v);
            s.Moment(1).Should().BeApproximately(target, 1e-15, "v corrects (target - Q1) / dt every step: no drift");
        }
    }

    [Fact]
    public async Task Load_steps_settle_at_Huxleys_speed_for_each_load_with_the_ATP_rate_of_that_speed()
    {
        var r = await Run(Scenario("huxley-pde-load-clamp.json"), ScratchDirectory);
        r.Status.Should().Be(RunStatus.Completed);
        var rows = Rows(ScratchDirectory);
        foreach (var (t, load) in new[] { (2.95, 0.5), (5.0, 0.2) })
        {
            var row = At(rows, t);
            double vExact = HuxleySteadyState.SpeedAtForce(HuxleyRates.Standard, load);
            double relErr = Math.Abs(-row["v"] - vExact) / vExact;
            output.WriteLine($"t = {t}: load {row["load"]}, v = {row["v"]:F5}, Huxley -{vExact:F5} (relative error {relErr:P2}); F = {row["F"]:R}; ATP {row["atp_rate"]:F5} vs {row["atp_huxley"]:F5}");
            row["F"].Should().BeApproximately(load * 0.4, 1e-14, "force balance kappa Q1 = P holds every step");
            row["load"].Should().Be(load);
            row["v_huxley"].Should().BeApproximately(-vExact, 1e-12);
            relErr.Should().BeLessThan(0.025, "first-order upwind at 100 cells per h (the force-velocity test checks the order)");
            (Math.Abs(row["atp_rate"] - row["atp_huxley"]) / row["atp_huxley"]).Should().BeLessThan(0.02);
        }
        // before the first step the muscle is isometric; right after the quick release the force is already the load
        At(rows, 0.5)["v"].Should().Be(0);
        At(rows, 0.5)["atp_rate"].Should().BeApproximately(HuxleySteadyState.DetachmentRate(HuxleyRates.Standard, 0), 1e-14);
        At(rows, 1.05)["F"].Should().BeApproximately(0.2, 1e-14);
    }

    [Fact]
    public void Force_velocity_from_load_clamps_lands_on_the_same_curve()
    {
        var s = Scenario("huxley-pde-load-clamp.json", d => d["parameters"]!["cells_per_h"] = 50);
        var points = HuxleyForceVelocityStudy.FromLoads(s, [0.1, 0.3, 0.6, 0.9]);
        foreach (var p in points)
        {
            output.WriteLine($"P = {p.Load}: V = {p.V:F6} (half dx {p.VHalf:F6}), Huxley {p.VHuxley:F6}, order {p.Order:F2}; F_huxley(V)/F0 = {p.HuxleyForceAtV:F6}, discrete steady force {p.PdeForceAtV:R}");
            p.PdeForceAtV.Should().BeApproximately(p.Load, 1e-9, "the settled isotonic state is the discrete steady state at that speed");
            Math.Abs(p.HuxleyForceAtV - p.Load).Should().BeLessThan(0.01);
            Math.Abs(p.VHalf - p.VHuxley).Should().BeLessThan(Math.Abs(p.V - p.VHuxley), "refining dx moves the speed towards Huxley's");
            p.Order.Should().BeInRange(0.8, 1.2);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(8.0)]
    public void Closed_form_ATP_rate_matches_the_discrete_steady_state_at_first_order(double speed)
    {
        // int g n dx of the exact discrete steady state (window extended for the tail n(0) exp(g2 x / V))
        double Rate(int perH)
        {
            double dx = 1.0 / perH, lo = -Math.Ceiling(Math.Max(1.0, 25 * speed / 20.0) / dx) * dx;
            var solver = new HuxleyUpwindSolver(HuxleyRates.Standard, lo, dx, (int)Math.Round((1.5 - lo) / dx));
            solver.SolveSteadyState(-speed);
            return solver.DetachmentRate();
        }
        double exact = HuxleySteadyState.DetachmentRate(HuxleyRates.Standard, speed);
        double e1 = Math.Abs(Rate(200) - exact), e2 = Math.Abs(Rate(400) - exact);
        output.WriteLine($"V = {speed}: closed form {exact:R}, errors {e1:E3}, {e2:E3}");
        e2.Should().BeLessThan(2e-3 * exact);
        if (speed > 0) Math.Log2(e1 / e2).Should().BeInRange(0.8, 1.2);
        else e1.Should().BeLessThan(1e-14, "the isometric steady state is exact on the grid");
    }

    [Fact]
    public async Task ATP_columns_on_the_velocity_protocol_reach_the_steady_rate_at_V()
    {
        var r = await Run(Scenario("huxley-pde-shortening.json", d => d["parameters"]!["atp"] = "on"), ScratchDirectory);
        var last = Rows(ScratchDirectory)[^1];
        output.WriteLine($"atp_rate {last["atp_rate"]:F6}, closed form {last["atp_huxley"]:F6}");
        last["atp_huxley"].Should().Be(HuxleySteadyState.DetachmentRate(HuxleyRates.Standard, 1.0));
        (Math.Abs(last["atp_rate"] - last["atp_huxley"]) / last["atp_huxley"]).Should().BeLessThan(3e-3);
    }

    [Fact]
    public async Task Distribution_moments_under_the_load_clamp_hold_the_force_exactly_and_settle_near_the_PDE_speed()
    {
        var s = Scenario("huxley-zahalak.json", d =>
        {
            d["parameters"]!["protocol"] = "load"; d["parameters"]!["load_steps"] = "1: 0.5, 3: 0.2";
            d["parameters"]!["x_min"] = -2.5; d["parameters"]!["length"] = 4.0; d["parameters"]!["cells_per_h"] = 100;
        });
        var r = await Run(s, ScratchDirectory);
        r.Status.Should().Be(RunStatus.Completed);
        var rows = Rows(ScratchDirectory);
        rows.Where(x => x["t"] >= 1 && x["t"] < 3).Should().OnlyContain(x => Math.Abs(x["F"] - 0.2) < 1e-15, "RK4 keeps the linear invariant Q1");
        rows.Where(x => x["t"] >= 3).Should().OnlyContain(x => Math.Abs(x["F"] - 0.08) < 1e-15);
        foreach (var (t, load) in new[] { (2.95, 0.5), (5.0, 0.2) })
        {
            var row = At(rows, t);
            double closure = Math.Abs(row["v"] - row["v_pde"]) / Math.Abs(row["v_pde"]);
            output.WriteLine($"t = {t}: load {load}, moments v = {row["v"]:F4}, PDE v = {row["v_pde"]:F4}, Huxley {row["v_huxley"]:F4} (closure error {closure:P1})");
            closure.Should().BeLessThan(0.1, "the Gaussian closure's error (about 9 % of the force in the velocity protocol)");
            (Math.Abs(row["v_pde"] - row["v_huxley"]) / Math.Abs(row["v_huxley"])).Should().BeLessThan(0.01);
        }
    }

    [Fact]
    public void Bad_load_protocols_are_rejected()
    {
        string Errors(Action<JsonObject> edit) =>
            string.Join("\n", Assert.Throws<ScenarioException>(() => Scenario("huxley-pde-load-clamp.json", edit)).Errors.Select(x => x.ToString()));
        Errors(d => d["parameters"]!["load_steps"] = "1: 0.5, 0.5: 0.2").Should().Contain("$.parameters.load_steps").And.Contain("must increase strictly");
        Errors(d => d["parameters"]!["load_steps"] = "1 0.5").Should().Contain("is not a load step");
        Errors(d => d["parameters"]!["load_steps"] = "1: -0.5").Should().Contain("must be a finite number >= 0");
        Errors(d => d["parameters"]!["protocol"] = "velocity").Should().Contain("not used: load steps belong to protocol \"load\"");
        Errors(d => { d["parameters"]!["load_steps"] = "0: 0.5"; d["initial"]!["state"] = "detached"; }).Should().Contain("$.initial.state").And.Contain("no attached bridges");
    }
}
