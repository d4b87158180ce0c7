using System.Xml.Linq;
using ActorSim.Simulation.Output;
using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

/// <summary><c>actorsim plot</c> on synthetic run directories, run as a real process.</summary>
public class PlotCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-plot-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string P(string relative) => Path.Combine(_dir, relative);

    private void WriteRun(string csv)
    {
        Directory.CreateDirectory(P("run"));
        File.WriteAllText(P("run/run.json"), """
            {
              "status": "completed",
              "model": "may-nowak-ode",
              "scenario": { "model": "may-nowak-ode", "description": "Synthetic test run. Second sentence is dropped." },
              "final_state": { "t": 2, "u": 12.5, "v": 17.5, "w": 350 },
              "analysis": { "R0": 8 }
            }
            """);
        File.WriteAllText(P("run/timeseries.csv"), csv);
    }

    private static string Csv(int rows)
    {
        var sb = new System.Text.StringBuilder("t,u,v,w\n");
        for (int i = 0; i < rows; i++)
        {
            double t = i * 0.5;
            sb.Append(System.FormattableString.Invariant($"{t},{100 * Math.Exp(-t / 10)},{10 * Math.Sin(t)},{1000 * (1 - Math.Exp(-t))}\n"));
        }
        return sb.ToString();
    }

    [Fact]
    public void Plots_the_time_series_and_the_last_snapshot_of_each_field()
    {
        WriteRun(Csv(41));
        Directory.CreateDirectory(P("run/fields"));
        NpyWriter.Write2D(P("run/fields/u_0000.npy"), new double[12], 3, 4);
        NpyWriter.Write2D(P("run/fields/u_0003.npy"), Enumerable.Range(0, 12).Select(k => k * 1.5).ToArray(), 3, 4);
        NpyWriter.Write1D(P("run/fields/rho_v_0002.npy"), Enumerable.Range(0, 30).Select(k => Math.Sin(k / 5.0)).ToArray());

        var r = ActorsimProcess.Run(_dir, "plot", "run");
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            Path.Combine("run", "plots", "timeseries.svg"), Path.Combine("run", "plots", "rho_v_final.svg"), Path.Combine("run", "plots", "u_final.svg"));
        Directory.GetFiles(P("run/plots")).Select(Path.GetFileName).Should().BeEquivalentTo(["timeseries.svg", "rho_v_final.svg", "u_final.svg"]);

        foreach (string f in Directory.GetFiles(P("run/plots")))
        {
            new FileInfo(f).Length.Should().BeGreaterThan(1024, f);
            XDocument.Load(f).Root!.Name.LocalName.Should().Be("svg");
        }

        var ts = SvgXml.Parse(File.ReadAllText(P("run/plots/timeseries.svg")));
        ts.Texts("figure-title").Single().Should().Be("may-nowak-ode — Synthetic test run");
        // u ~ 100, v ~ 10, w ~ 1000 differ by more than 10x: one panel per variable, sharing the time axis.
        ts.Descendants(SvgXml.Ns + "polyline").Select(p => (string?)p.Attribute("data-series"))
            .Should().Equal("u (healthy cells)", "v (infected cells)", "w (virus)");
        ts.Descendants(SvgXml.Ns + "polyline").Should().OnlyContain(p => SvgXml.Points(p).Count == 41);
        ts.Texts("axis-label").Should().Equal("u (healthy cells)", "v (infected cells)", "time t [T]", "w (virus)");

        var u = SvgXml.Parse(File.ReadAllText(P("run/plots/u_final.svg")));
        u.Texts("title").Single().Should().Be("u, snapshot 3 (last), 3 × 4 cells");
        u.InGroup("colorbar", "text").Select(e => e.Value).Should().Contain(["0", "15"]);
        var rho = SvgXml.Parse(File.ReadAllText(P("run/plots/rho_v_final.svg")));
        SvgXml.Points(rho.Descendants(SvgXml.Ns + "polyline").Single()).Should().HaveCount(30);
        rho.Texts("axis-label").Should().Equal("x (cell index i)", "rho_v");
        rho.InGroup("x-axis", "text").Where(e => (string?)e.Attribute("class") == "tick-label").Select(e => e.Value)
            .Should().Equal("0", "5", "10", "15", "20", "25");
    }

    [Fact]
    public void Png_format_and_another_output_directory()
    {
        WriteRun(Csv(5));
        var r = ActorsimProcess.Run(_dir, "plot", "run", "--format", "png", "--out", "pics", "--layout", "overlay");
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdOut.Trim().Should().Be(Path.Combine("pics", "timeseries.png"));
        byte[] png = File.ReadAllBytes(P("pics/timeseries.png"));
        png.Length.Should().BeGreaterThan(1024);
        PngDecoder.Decode(png).Width.Should().BeGreaterThan(800);
        Directory.Exists(P("run/plots")).Should().BeFalse();
    }

    [Fact]
    public void A_missing_run_directory_is_bad_input()
    {
        var r = ActorsimProcess.Run(_dir, "plot", "nowhere");
        r.ExitCode.Should().Be(2);
        r.StdErr.Trim().Should().Be("nowhere: run directory not found");
    }

    [Fact]
    public void A_malformed_csv_line_is_reported_with_file_and_line()
    {
        WriteRun("t,u,v,w\n0,1,2,3\n0.5,1,2\n");
        var r = ActorsimProcess.Run(_dir, "plot", "run");
        r.ExitCode.Should().Be(2);
        r.StdErr.Trim().Should().Be($"{Path.Combine("run", "timeseries.csv")}:3: expected 4 values (t,u,v,w), found 3");
        Directory.Exists(P("run/plots")).Should().BeFalse("nothing is written when an input is bad");
    }

    [Fact]
    public void A_missing_or_invalid_run_json_is_reported()
    {
        WriteRun(Csv(3));
        File.WriteAllText(P("run/run.json"), "{ \"model\": ");
        var bad = ActorsimProcess.Run(_dir, "plot", "run");
        bad.ExitCode.Should().Be(2);
        bad.StdErr.Should().StartWith($"{Path.Combine("run", "run.json")}: not valid JSON");

        File.Delete(P("run/run.json"));
        var missing = ActorsimProcess.Run(_dir, "plot", "run");
        missing.ExitCode.Should().Be(2);
        missing.StdErr.Should().StartWith($"{Path.Combine("run", "run.json")}: file not found");
    }

    [Fact]
    public void A_broken_field_file_is_reported()
    {
        WriteRun(Csv(3));
        Directory.CreateDirectory(P("run/fields"));
        File.WriteAllBytes(P("run/fields/u_0001.npy"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var r = ActorsimProcess.Run(_dir, "plot", "run");
        r.ExitCode.Should().Be(2);
        r.StdErr.Trim().Should().Be($"{Path.Combine("run", "fields", "u_0001.npy")}: not a .npy file: it does not start with the magic bytes \\x93NUMPY");
    }
}
