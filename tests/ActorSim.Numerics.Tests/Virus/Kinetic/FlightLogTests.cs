using System.Runtime.Intrinsics;
using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

public class FlightLogTests
{
    [Fact]
    public void Logarithm_is_within_two_ulps_of_Math_Log_over_the_uniforms_range_and_lanes_equal_the_scalar_form()
    {
        var rng = new System.Random(5);
        var us = new List<double> { 0.5 / 4294967296.0, 1 - 0.5 / 4294967296.0, 0.5, Math.Sqrt(0.5), Math.BitIncrement(Math.Sqrt(0.5)), 0.7071067811865476, 1.4142135623730951 / 2 };
        for (int i = 0; i < 200_000; i++) us.Add((rng.Next() + 0.5) / 2147483648.0 * Math.Pow(2, -rng.Next(0, 33)));
        for (int i = 0; i + 4 <= us.Count; i += 4)
        {
            var v = FlightLog.Of(Vector256.Create(us[i], us[i + 1], us[i + 2], us[i + 3]));
            var v8 = FlightLog.Of(Vector512.Create(us[i], us[i + 1], us[i + 2], us[i + 3], us[i], us[i + 1], us[i + 2], us[i + 3]));
            for (int l = 0; l < 4; l++)
            {
                BitConverter.DoubleToInt64Bits(v8.GetElement(l)).Should().Be(BitConverter.DoubleToInt64Bits(v.GetElement(l)));
                BitConverter.DoubleToInt64Bits(v8.GetElement(l + 4)).Should().Be(BitConverter.DoubleToInt64Bits(v.GetElement(l)));
                double u = us[i + l], got = v.GetElement(l), exact = Math.Log(u);
                BitConverter.DoubleToInt64Bits(FlightLog.Of(u)).Should().Be(BitConverter.DoubleToInt64Bits(got), $"lane {l} of u = {u:R}");
                Math.Abs(got - exact).Should().BeLessThanOrEqualTo(2 * Math.Abs(Math.BitIncrement(Math.Abs(exact)) - Math.Abs(exact)) + 1e-300, $"u = {u:R}");
            }
        }
        FlightLog.Of(1.0).Should().Be(0.0);
    }
}
