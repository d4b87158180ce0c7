using System.Globalization;
using System.Xml.Linq;
using FluentAssertions;

namespace ActorSim.Cli.Tests;

/// <summary><c>actorsim converge</c> and <c>actorsim force-velocity</c> on tiny inputs, run as real processes.</summary>
public class MuscleCommandsTests
{
    private static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(',').Select((v, i) => (header[i], v)).ToDictionary(p => p.Item1, p => p.v)).ToList();
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Converge_reports_W1_and_y_errors_with_slopes_as_table_csv_and_svg()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "converge", "scenarios/muscle-meanfield-1d.json", "--n", "100,400,1600", "--seeds", "4", "--out", "out/conv");
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdOut.Should().Contain("W1(T) mean ± sd").And.Contain("fitted slopes").And.Contain("1600");
        var rows = Csv(dir.File("out/conv/converge.csv"));
        rows.Select(x => int.Parse(x["N"])).Should().Equal(100, 400, 1600);
        rows.Select(x => D(x["w1_final"])).Should().BeInDescendingOrder().And.OnlyContain(w => w > 0 && w < 0.1);
        var fit = Csv(dir.File("out/conv/converge-fit.csv")).ToDictionary(x => x["quantity"], x => D(x["slope"]));
        fit["w1_initial"].Should().BeInRange(-0.75, -0.25);
        fit["w1_final"].Should().BeInRange(-0.75, -0.25);
        var svg = XDocument.Load(dir.File("out/conv/converge.svg"));
        svg.Root!.Name.LocalName.Should().Be("svg");
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        texts.Should().Contain(["N (particles)", "mean over seeds", "10²", "10³"], "a log-log chart with its labels (ScottPlot)");
        texts.Should().Contain(t => t.StartsWith("W1(0), slope ")).And.Contain(t => t.StartsWith("W1(T), slope ")).And.Contain(t => t.StartsWith("|y_N - y|, slope "));
    }

    [Fact]
    public void Converge_runs_its_particle_runs_as_a_sweep_whose_members_record_W1_and_y_errors_and_resumes()
    {
        using var dir = new ScratchDir();
        string[] args = ["converge", "scenarios/muscle-meanfield-1d.json", "--n", "50,200", "--seeds", "2", "--jobs", "2", "--out", "out/conv"];
        var r = ActorsimProcess.Run(dir.Path, args);
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdErr.Should().Contain("sweep: 4/4 done", "one progress line for the study's runs");
        File.Exists(dir.File("out/conv/sweep/sweep.json")).Should().BeTrue();
        File.Exists(dir.File("out/conv/sweep/sweep.parquet")).Should().BeTrue();
        var members = Csv(dir.File("out/conv/sweep/sweep.csv"));
        members.Select(m => m["parameters.N"]).Should().Equal("50", "50", "200", "200");
        members.Should().OnlyContain(m => m["status"] == "completed" && m["parameters.method"] == "particles" && m["parameters.w1"] == "meanfield");
        foreach (var m in members)
        {
            D(m["analysis.w1_final"]).Should().Be(D(m["last.w1"]), "W1(T) is the last row's w1");
            D(m["analysis.y_error_final"]).Should().BeApproximately(Math.Abs(D(m["last.y"]) - D(m["last.y_meanfield"])), 1e-15);
            D(m["analysis.w1_initial"]).Should().BeGreaterThan(0);
        }
        // the table is the mean over each N's members
        var rows = Csv(dir.File("out/conv/converge.csv"));
        D(rows[0]["w1_final"]).Should().BeApproximately((D(members[0]["analysis.w1_final"]) + D(members[1]["analysis.w1_final"])) / 2, 1e-15);
        D(rows[1]["y_error"]).Should().BeApproximately((D(members[2]["analysis.y_error_final"]) + D(members[3]["analysis.y_error_final"])) / 2, 1e-15);
        string before = File.ReadAllText(dir.File("out/conv/converge.csv"));

        // the same study again keeps the completed runs and writes the same table
        var again = ActorsimProcess.Run(dir.Path, args);
        again.ExitCode.Should().Be(0, again.ToString());
        again.StdOut.Should().Contain("4 of 4 members completed earlier are kept; running 0");
        File.ReadAllText(dir.File("out/conv/converge.csv")).Should().Be(before);
    }

    [Fact]
    public void Converge_rejects_bad_counts_and_scenarios_of_other_models()
    {
        using var dir = new ScratchDir();
        var bad = ActorsimProcess.Run(dir.Path, "converge", "scenarios/muscle-meanfield-1d.json", "--n", "100,ten");
        bad.ExitCode.Should().Be(2, bad.ToString());
        bad.StdErr.Should().Contain("--n: \"ten\" is not allowed");
        var other = ActorsimProcess.Run(dir.Path, "converge", "scenarios/huxley-pde-isometric.json", "--n", "100");
        other.ExitCode.Should().Be(2, other.ToString());
        other.StdErr.Should().Contain("converge needs a scenario of model muscle-1d");
    }

    [Fact]
    public void Force_velocity_matches_Huxleys_closed_form_with_first_order_PDE_and_particles_within_their_error()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "force-velocity", "scenarios/huxley-pde-shortening.json", "--velocities", "0,1,4", "--particles", "4000", "--out", "out/fv");
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdOut.Should().Contain("Force-velocity relation").And.Contain("particles (N = 4000)");
        var rows = Csv(dir.File("out/fv/force-velocity.csv"));
        rows.Should().HaveCount(3);
        foreach (var row in rows)
        {
            double huxley = D(row["huxley"]);
            D(row["pde"]).Should().BeApproximately(huxley, 2e-3);
            Math.Abs(D(row["particles"]) - huxley).Should().BeLessThan(4 * D(row["particles_sd"]));
        }
        D(rows[0]["huxley"]).Should().Be(1.0);
        D(rows[1]["huxley"]).Should().BeApproximately(0.6282, 1e-4);
        D(rows[1]["pde_order"]).Should().BeInRange(0.9, 1.1);
        D(rows[2]["x_min"]).Should().Be(-4.0, "fast shortening extends the window below the scenario's x_min = -1");
        XDocument.Load(dir.File("out/fv/force-velocity.svg")).Root!.Name.LocalName.Should().Be("svg");
        var bad = ActorsimProcess.Run(dir.Path, "force-velocity", "scenarios/muscle-linear.json");
        bad.ExitCode.Should().Be(2, bad.ToString());
        bad.StdErr.Should().Contain("force-velocity needs a scenario of a Huxley model");
    }
    [Fact]
    public void Force_velocity_from_load_clamps_lands_on_the_closed_form_curve()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "force-velocity", "scenarios/huxley-pde-load-clamp.json", "--velocities", "1", "--loads", "0.2,0.5", "--out", "out/fv");
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdOut.Should().Contain("Load clamps");
        var rows = Csv(dir.File("out/fv/force-velocity-loads.csv"));
        rows.Select(x => D(x["load"])).Should().Equal(0.2, 0.5);
        foreach (var row in rows)
        {
            D(row["pde_force_at_v"]).Should().BeApproximately(D(row["load"]), 1e-9);
            D(row["huxley_force_at_v"]).Should().BeApproximately(D(row["load"]), 3e-3);
            D(row["order"]).Should().BeInRange(0.9, 1.1);
        }
        // the clamps ran as a sweep: per load one run at the scenario's grid and one at half dx, each recording its speed
        var members = Csv(dir.File("out/fv/load-clamps/sweep.csv"));
        members.Select(m => m["parameters.cells_per_h"]).Should().Equal("100", "200", "100", "200");
        members.Should().OnlyContain(m => m["status"] == "completed");
        D(members[0]["analysis.V_final"]).Should().Be(D(rows[0]["v"]));
        D(members[3]["analysis.V_final"]).Should().Be(D(rows[1]["v_half"]));
        D(members[0]["analysis.V_final"]).Should().Be(-D(members[0]["last.v"]), "the speed of the last step");
        var bad = ActorsimProcess.Run(dir.Path, "force-velocity", "scenarios/huxley-pde-load-clamp.json", "--loads", "0.5,1.2");
        bad.ExitCode.Should().Be(2, bad.ToString());
        bad.StdErr.Should().Contain("--loads: \"1.2\" is not allowed");
    }
}
