using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The constant-velocity protocol of the Huxley models: isometric (v = 0) until <see cref="SwitchTime"/>, then
/// shortening at speed V (displacement rate v = -V). Steps never cross the switch.
/// </summary>
public sealed record HuxleyProtocol(double Speed, double SwitchTime)
{
    /// <summary>Displacement rate v during a step starting at t.</summary>
    public double Velocity(double t) => t < SwitchTime ? 0.0 : 0.0 - Speed;

    /// <summary>The end of the next stretch of constant v towards <paramref name="tEnd"/>.</summary>
    public double SegmentEnd(double t, double tEnd) => t < SwitchTime && SwitchTime < tEnd ? SwitchTime : tEnd;
}

/// <summary>
/// Scenario values shared by the Huxley (1957) two-state cross-bridge models. x is the bridge displacement
/// (length unit L), n(x, t) the attached fraction; rates per time unit T; force = kappa Q1, Q1 = int x n dx.
/// </summary>
internal static class HuxleyScenarioSpecs
{
    public static IEnumerable<ValueSpec> Rates() =>
    [
        new("f1", "1/T", "attachment rate at x = h: f(x) = f1 x / h on [0, h], 0 elsewhere", ValueKind.Positive, 4.0),
        new("g1", "1/T", "detachment rate slope: g(x) = g1 x / h for x >= 0", ValueKind.Rate, 1.0),
        new("g2", "1/T", "detachment rate for x < 0", ValueKind.Positive, 20.0),
        new("h", "L", "largest displacement at which a bridge can attach", ValueKind.Positive, 1.0),
        new("kappa", "F/L^2", "cross-bridge stiffness: force F = kappa int x n dx", ValueKind.Positive, 1.0),
        new("V", "L/T", "shortening speed after t_switch (displacement rate v = -V); 0 keeps the muscle isometric", ValueKind.NonNegative, 1.0),
        new("t_switch", "T", "isometric (v = 0) until t_switch, then constant-velocity shortening at V", ValueKind.NonNegative, 5.0),
        new("x_min", "L", "left end of the displacement window [x_min, x_min + length]", ValueKind.Finite, -1.0),
        new("length", "L", "length of the displacement window (must contain [x_min, h] with x_min < 0)", ValueKind.Positive, 2.5),
    ];

    /// <summary>The load-clamp keys shared by huxley-pde and huxley-zahalak.</summary>
    public static IEnumerable<ValueSpec> LoadProtocolSpecs() =>
    [
        ValueSpec.OneOf("protocol", "velocity: isometric until t_switch, then shortening at V; load: isometric until t_switch, then a quick release to the load P = load F0 and isotonic shortening (v from kappa Q1 = P)", ["velocity", "load"]),
        new("load", "F0", "protocol load: the load after t_switch relative to the isometric force F0 = kappa n_inf h^2 / 2", ValueKind.NonNegative, 0.5),
        ValueSpec.Text("load_steps", "protocol load: several isotonic load steps \"t1: P1, t2: P2, ...\" (times increasing, loads relative to F0); replaces t_switch and load"),
    ];

    public static void CheckLoadProtocol(Scenario s, Action<string, string> error)
    {
        bool load = s.Choice("protocol") == "load";
        if (!load && s.Choice("load_steps").Length > 0)
            error("$.parameters.load_steps", "not used: load steps belong to protocol \"load\" (protocol is \"velocity\")");
        if (load && s.Choice("load_steps").Length > 0 && HuxleyLoadProtocol.Parse(s.Choice("load_steps"), out string? why) is null)
            error("$.parameters.load_steps", why!);
        if (load && s.Choice("state") != "isometric" && LoadProtocolOf(s)?.Steps[0].Time == 0)
            error("$.initial.state", "\"detached\" is not allowed with a load step at t = 0: no attached bridges carry the load (start isometric or step later)");
    }

    /// <summary>The load protocol of a scenario (null if load_steps is malformed: reported by validation).</summary>
    public static HuxleyLoadProtocol? LoadProtocolOf(Scenario s) => s.Choice("load_steps").Length > 0
        ? HuxleyLoadProtocol.Parse(s.Choice("load_steps"), out _)
        : new HuxleyLoadProtocol([(s.P("t_switch"), s.P("load"))]);

    public static ValueSpec CellsPerH(double d = 100) => new("cells_per_h", "1", "finite-volume cells per h (dx = h / cells_per_h); x_min and length must be multiples of dx", ValueKind.Count, d);

    public static readonly ValueSpec State = ValueSpec.OneOf("state", "attached fraction at t = 0: detached (n = 0) or isometric (the isometric steady state n = f / (f + g))", ["detached", "isometric"]);

    public static HuxleyRates RatesOf(Scenario s) => new(s.P("f1"), s.P("g1"), s.P("g2"), s.P("h"));

    public static HuxleyProtocol ProtocolOf(Scenario s) => new(s.P("V"), s.P("t_switch"));

    public static void CheckWindow(Scenario s, Action<string, string> error)
    {
        double xMin = s.P("x_min"), len = s.P("length"), h = s.P("h");
        if (!(xMin < 0)) error("$.parameters.x_min", $"{xMin} is not allowed: the window must reach below x = 0 (bridges detach there at rate g2), so x_min < 0");
        if (!(xMin + len > h)) error("$.parameters.length", $"{len} is not allowed: the window [x_min, x_min + length] must reach past h = {h}, so length > h - x_min = {h - xMin}");
    }

    /// <summary>The PDE grid (x_min, dx, cells) with x_min and x_min + length on cell faces (so 0 and h are faces).</summary>
    public static (double XMin, double Dx, int Cells) Grid(Scenario s, int? cellsPerH = null)
    {
        double h = s.P("h"), dx = h / (cellsPerH ?? s.Count("cells_per_h"));
        return (s.P("x_min"), dx, (int)Math.Round(s.P("length") / dx));
    }

    public static void CheckGrid(Scenario s, Action<string, string> error)
    {
        double dx = s.P("h") / s.Count("cells_per_h");
        foreach (var key in new[] { "x_min", "length" })
        {
            double k = s.P(key) / dx;
            if (Math.Abs(k - Math.Round(k)) > 1e-9 * Math.Max(1.0, Math.Abs(k)))
                error($"$.parameters.{key}", $"{s.P(key)} is not allowed: must be a whole multiple of dx = h / cells_per_h = {dx} (so that x = 0 and x = h, where the rates have kinks, are cell faces)");
        }
        if (s.P("length") / dx > 10_000_000) error("$.parameters.cells_per_h", "more than 10^7 cells");
    }

    /// <summary>Closed-form steady force at displacement rate v (Huxley's force–velocity relation; v &lt;= 0).</summary>
    public static double SteadyForce(HuxleyRates r, double kappa, double v) => kappa * HuxleySteadyState.FirstMoment(r, -v);

    public static JsonObject Analysis(HuxleyRates r, double kappa, HuxleyProtocol p)
    {
        double ninf = r.F1 / (r.F1 + r.G1);
        double f0 = SteadyForce(r, kappa, 0.0);
        return new JsonObject
        {
            ["n_isometric"] = ninf,
            ["F_isometric"] = f0,
            ["Q1_isometric"] = HuxleySteadyState.FirstMoment(r, 0.0),
            ["V"] = p.Speed,
            ["F_steady_at_V"] = SteadyForce(r, kappa, -p.Speed),
            ["relative_force_at_V"] = HuxleySteadyState.RelativeForce(r, p.Speed),
        };
    }
}
