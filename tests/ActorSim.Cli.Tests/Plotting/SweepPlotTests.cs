using ActorSim.Cli.Plotting;

namespace ActorSim.Cli.Tests.Plotting;

/// <summary><c>actorsim plot DIR</c> on a sweep directory: means and standard errors over seeds, one series per other axis.</summary>
public class SweepPlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-sweep-plot-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private void WriteSweep()
    {
        File.WriteAllText(Path.Combine(_dir, "sweep.json"),
            """{ "axes": ["parameters.chi=1,2", "parameters.mode=\"a\",\"b\"", "run.seed=1:3:1"], "zip": false }""");
        var lines = new List<string> { "member,parameters.chi,parameters.mode,run.seed,status,wall_time_s,results_sha256,last.t,last.u" };
        int m = 0;
        foreach (int chi in new[] { 1, 2 })
            foreach (string mode in new[] { "a", "b" })
                foreach (int seed in new[] { 1, 2, 3 })
                {
                    // u = 10·chi (+1 for mode b) + seed - 2: the mean over seeds is 10·chi (+1), the spread 1 per seed.
                    double u = 10 * chi + (mode == "b" ? 1 : 0) + seed - 2;
                    string status = chi == 2 && mode == "b" && seed == 3 ? "failed" : "completed";
                    lines.Add($"{m++:D4},{chi},{mode},{seed},{status},0.1,abc,5,{(status == "failed" ? "" : u.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
                }
        File.WriteAllLines(Path.Combine(_dir, "sweep.csv"), lines);
    }

    [Fact]
    public void Points_are_means_over_seeds_with_standard_errors_and_failed_members_are_left_out()
    {
        WriteSweep();
        var series = SweepPlotter.Series(_dir, null, "last.u");
        Assert.Equal(["parameters.mode=a", "parameters.mode=b"], series.Select(s => s.Name));
        Assert.Equal([1.0, 2.0], series[0].X);
        Assert.Equal([10.0, 20.0], series[0].Mean);
        // seeds give -1, 0, +1 around the mean: sample standard deviation 1, standard error 1/sqrt(3)
        Assert.Equal(1 / Math.Sqrt(3), series[0].StandardError[0], 12);
        Assert.Equal(1 / Math.Sqrt(3), series[0].StandardError[1], 12);
        // mode b at chi = 2 has seeds 1 and 2 only (seed 3 failed): mean 20.5, standard error 0.5
        Assert.Equal(20.5, series[1].Mean[1], 12);
        Assert.Equal(0.5, series[1].StandardError[1], 12);
    }

    [Fact]
    public void The_plot_command_draws_a_sweep_directory_and_refuses_unknown_columns()
    {
        WriteSweep();
        var r = ActorsimProcess.Run(_dir, "plot", ".", "--out", "plots");
        Assert.True(r.ExitCode == 0, r.ToString());
        string svg = File.ReadAllText(Path.Combine(_dir, "plots", "sweep-last.u.svg"));
        Assert.Contains("last.u against parameters.chi", svg);
        Assert.Contains("parameters.mode=b", svg);

        var bad = ActorsimProcess.Run(_dir, "plot", ".", "--y", "last.q");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--y last.q: no such column", bad.StdErr);
    }
}
