using ActorSim.Numerics.Virus;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus;

/// <summary>R0, Q0, Q* (seed 000, eq. (2)) against numbers computed by hand.</summary>
public class MayNowakParametersTests
{
    [Fact]
    public void Endemic_case_matches_hand_computed_R0_and_equilibria()
    {
        // R0 = 0.002*100*10 / (0.1*0.5*5) = 2 / 0.25 = 8; u* = (r/d1)/R0 = 100/8 = 12.5;
        // v* = d1 d3 (R0-1)/(beta k) = 0.5*7/0.2 = 17.5; w* = d1 (R0-1)/beta = 0.1*7/0.002 = 350.
        var p = new MayNowakParameters(D1: 0.1, D2: 0.5, D3: 5, Beta: 0.002, K: 100, R: 10);
        p.R0.Should().BeApproximately(8.0, 1e-14);
        p.Q0.Should().Be((100.0, 0.0, 0.0));
        p.QStar.Should().NotBeNull();
        var q = p.QStar!.Value;
        q.U.Should().BeApproximately(12.5, 1e-12);
        q.V.Should().BeApproximately(17.5, 1e-12);
        q.W.Should().BeApproximately(350.0, 1e-10);
    }

    [Fact]
    public void Sub_threshold_case_has_R0_0_8_and_no_endemic_equilibrium()
    {
        var p = new MayNowakParameters(0.1, 0.5, 5, 0.0002, 100, 10);
        p.R0.Should().BeApproximately(0.8, 1e-15);
        p.QStar.Should().BeNull();
        p.Q0.Should().Be((100.0, 0.0, 0.0));
    }

    [Fact]
    public void Threshold_case_R0_exactly_1_has_no_endemic_equilibrium()
    {
        // Dyadic rates so that R0 = (1/2048 * 64 * 8) / (0.125 * 0.5 * 4) = 0.25 / 0.25 = 1 exactly.
        var p = MayNowakScenarios.Threshold;
        p.R0.Should().Be(1.0);
        p.QStar.Should().BeNull();
        p.Q0.Should().Be((64.0, 0.0, 0.0));
    }
}

/// <summary>Parameter sets shared by the May–Nowak tests.</summary>
internal static class MayNowakScenarios
{
    /// <summary>R0 = 8, Q* = (12.5, 17.5, 350).</summary>
    public static readonly MayNowakParameters Endemic = new(0.1, 0.5, 5, 0.002, 100, 10);
    /// <summary>R0 = 0.8, Q0 = (100, 0, 0).</summary>
    public static readonly MayNowakParameters InfectionFree = new(0.1, 0.5, 5, 0.0002, 100, 10);
    /// <summary>R0 = 1 exactly, Q0 = (64, 0, 0).</summary>
    public static readonly MayNowakParameters Threshold = new(0.125, 0.5, 4, 1.0 / 2048, 64, 8);
}
