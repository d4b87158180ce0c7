using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

/// <summary><c>actorsim plot</c> draws every shipped scenario's run, as SVG and PNG.</summary>
public class ShippedScenarioPlotTests
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Path.Combine(RepoRoot.Path, "scenarios"), "*.json").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Plot_draws_the_run_of_every_shipped_scenario(string name)
    {
        using var scratch = new ScratchDir();
        var run = ActorsimProcess.Run(scratch.Path, ["run", $"scenarios/{name}.json", "--out", "out", "-q", "--no-plots"], TimeSpan.FromMinutes(5));
        run.ExitCode.Should().Be(0, run.ToString());

        var svg = ActorsimProcess.Run(scratch.Path, "plot", "out");
        svg.ExitCode.Should().Be(0, svg.ToString());
        var texts = SvgXml.Load(scratch.File("out/plots/timeseries.svg")).Texts();
        texts.Should().Contain("t [T]");
        texts.Should().NotContain(t => t.Contains('…'), "titles are wrapped, never cut");
        texts.Should().NotContain(t => System.Text.RegularExpressions.Regex.IsMatch(t, @"^(\w+) \(\1\)$"), "no 'y (y)' labels");
        foreach (string f in Directory.GetFiles(scratch.File("out/plots"), "*_final.svg"))
            SvgXml.Load(f).Texts().Should().NotContain(FieldGeometryIndexLabel, $"{f}: the shipped models' fields are drawn in physical coordinates");

        var png = ActorsimProcess.Run(scratch.Path, "plot", "out", "--format", "png");
        png.ExitCode.Should().Be(0, png.ToString());
        Directory.GetFiles(scratch.File("out/plots"), "*.png").Should().NotBeEmpty();
    }

    private const string FieldGeometryIndexLabel = ActorSim.Cli.Plotting.FieldGeometry.IndexLabel;
}
