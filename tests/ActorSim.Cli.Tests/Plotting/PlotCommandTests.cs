using System.Buffers.Binary;
using ActorSim.Simulation.Output;
using FluentAssertions;
using SkiaSharp;

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

    private void WriteRun(string csv, string model = "may-nowak-ode", string parameters = "{}")
    {
        Directory.CreateDirectory(P("run"));
        File.WriteAllText(P("run/run.json"), $$"""
            {
              "status": "completed",
              "model": "{{model}}",
              "scenario": { "model": "{{model}}", "description": "Synthetic test run. Second sentence is dropped.", "parameters": {{parameters}} }
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
            sb.Append(System.FormattableString.Invariant($"{t},{100 * Math.Exp(-t / 10)},{10 + Math.Sin(t)},{1000 * (1 - Math.Exp(-t))}\n"));
        }
        return sb.ToString();
    }

    /// <summary>A virus-pde run on [0, 4] x [0, 2] with 4 snapshots (t = 0, 0.5, 1, 1.5) of a 2D field u and a 1D field rho_v.</summary>
    private void WriteFieldRun()
    {
        var csv = new System.Text.StringBuilder("t,int_u\n");
        for (int i = 0; i < 4; i++) csv.Append(System.FormattableString.Invariant($"{i * 0.5},{1 + i}\n"));
        WriteRun(csv.ToString(), "virus-pde", """{ "nx": 4, "ny": 3, "Lx": 4.0, "Ly": 2.0 }""");
        Directory.CreateDirectory(P("run/fields"));
        for (int i = 0; i < 4; i++)
        {
            NpyWriter.Write2D(P($"run/fields/u_{i:D4}.npy"), Enumerable.Range(0, 12).Select(k => k * (i + 1.0)).ToArray(), 3, 4);
            NpyWriter.Write1D(P($"run/fields/rho_v_{i:D4}.npy"), Enumerable.Range(0, 30).Select(k => Math.Sin(k / 5.0) + i).ToArray());
        }
    }

    [Fact]
    public void Plots_the_time_series_with_units_and_the_last_snapshot_of_each_field_in_physical_coordinates()
    {
        WriteFieldRun();
        var r = ActorsimProcess.Run(_dir, "plot", "run");
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            Path.Combine("run", "plots", "timeseries.svg"), Path.Combine("run", "plots", "rho_v_final.svg"), Path.Combine("run", "plots", "u_final.svg"));

        var ts = SvgXml.Load(P("run/plots/timeseries.svg")).Texts();
        ts.Should().Contain(["virus-pde", "Synthetic test run", "t [T]", "Integrals over the domain"]);
        var u = SvgXml.Load(P("run/plots/u_final.svg")).Texts();
        u.Should().Contain(["x [L]", "y [L]", "u at t = 1.5 (snapshot 3, last), 4 × 3 cells", "u, healthy cells [u]"]);
        u.Should().Contain("4", "the x axis runs to Lx = 4, not to a cell index");
        u.Should().Contain("30", "the colour bar reaches the field's maximum 11 × 3 = 33");
        var rho = SvgXml.Load(P("run/plots/rho_v_final.svg")).Texts();
        rho.Should().Contain(["cell index i", "rho_v"], "a field the model does not name is drawn against the cell index");
    }

    [Fact]
    public void The_t_option_picks_the_nearest_snapshot_and_every_draws_frames_on_one_scale()
    {
        WriteFieldRun();
        var r = ActorsimProcess.Run(_dir, "plot", "run", "--t", "0.6");
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdOut.Should().Contain(Path.Combine("run", "plots", "u_0001.svg"));
        SvgXml.Load(P("run/plots/u_0001.svg")).Texts().Should().Contain("u at t = 0.5 (snapshot 1), 4 × 3 cells");

        var outside = ActorsimProcess.Run(_dir, "plot", "run", "--t", "9");
        outside.ExitCode.Should().Be(2);
        outside.StdErr.Trim().Should().Be("--t 9: outside the times of the snapshots of rho_v, 0 to 1.5");

        var frames = ActorsimProcess.Run(_dir, "plot", "run", "--every", "2", "--format", "png");
        frames.ExitCode.Should().Be(0, frames.ToString());
        Directory.GetFiles(P("run/plots/frames")).Select(Path.GetFileName).Order().Should()
            .Equal("rho_v_0000.png", "rho_v_0002.png", "rho_v_0003.png", "u_0000.png", "u_0002.png", "u_0003.png");

        ActorsimProcess.Run(_dir, "plot", "run", "--every", "1", "--t", "1").ExitCode.Should().Be(2);

        // One colour scale for all frames of u: the first frame (values 0 … 11) has the bar of the whole series (0 … 44).
        var svg = ActorsimProcess.Run(_dir, "plot", "run", "--every", "3", "--out", "svgframes");
        svg.ExitCode.Should().Be(0, svg.ToString());
        SvgXml.Load(P("svgframes/frames/u_0000.svg")).Texts().Should().Contain("40");
    }

    [Fact]
    public void The_heatmap_has_row_0_at_the_bottom_and_column_0_at_the_left()
    {
        WriteFieldRun(); // u grows with the column (x) and with the row (y)
        var r = ActorsimProcess.Run(_dir, "plot", "run", "--format", "png");
        r.ExitCode.Should().Be(0, r.ToString());
        using var bitmap = SKBitmap.Decode(P("run/plots/u_final.png"));
        // Viridis gets brighter with the value: scan the middle row and the middle column of the data area for
        // coloured (not grey) pixels and compare the ends.
        static bool Coloured(SKColor c) => Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 40;
        static double Luma(SKColor c) => 0.2126 * c.Red + 0.7152 * c.Green + 0.0722 * c.Blue;
        // The middle row of the picture crosses the heatmap, then the colour bar: the first coloured run is the heatmap.
        int row = bitmap.Height / 2;
        int x0 = Enumerable.Range(0, bitmap.Width).First(x => Coloured(bitmap.GetPixel(x, row)));
        int x1 = Enumerable.Range(x0, bitmap.Width - x0).First(x => !Coloured(bitmap.GetPixel(x, row))) - 1;
        int column = (x0 + x1) / 2;
        var ys = Enumerable.Range(0, bitmap.Height).Where(y => Coloured(bitmap.GetPixel(column, y))).ToList();
        int y0 = ys.Min(), y1 = ys.Max();
        int xm = (x0 + x1) / 2, ym = (y0 + y1) / 2;
        Luma(bitmap.GetPixel(x0 + 3, ym)).Should().BeLessThan(Luma(bitmap.GetPixel(x1 - 3, ym)), "values grow to the right");
        Luma(bitmap.GetPixel(xm, y1 - 3)).Should().BeLessThan(Luma(bitmap.GetPixel(xm, y0 + 3)), "values grow upwards: row 0 is at the bottom");
        ((double)(x1 - x0) / (y1 - y0)).Should().BeApproximately(2.0, 0.05, "the 4 × 2 domain keeps its aspect ratio");
    }

    [Fact]
    public void Png_is_drawn_at_192_dpi_and_says_so()
    {
        WriteRun(Csv(5));
        var r = ActorsimProcess.Run(_dir, "plot", "run", "--format", "png", "--out", "pics");
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdOut.Trim().Should().Be(Path.Combine("pics", "timeseries.png"));
        byte[] png = File.ReadAllBytes(P("pics/timeseries.png"));
        using var bitmap = SKBitmap.Decode(png);
        bitmap.Width.Should().Be(1520, "a 760 pt wide page at 192 dpi");
        int phys = png.AsSpan().IndexOf("pHYs"u8);
        phys.Should().BePositive();
        BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(phys + 4)).Should().Be(7559, "192 dpi = 7559 pixels per metre");
        png[phys + 12].Should().Be(1, "unit: metre");
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
