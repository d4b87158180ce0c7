using ActorSim.Cli.Plotting;
using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

public class NiceTicksTests
{
    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1.0, 1)]
    [InlineData(1.3, 2)]
    [InlineData(3, 5)]
    [InlineData(42, 50)]
    [InlineData(0.00031, 0.0005)]
    [InlineData(7e9, 1e10)]
    public void Steps_are_1_2_or_5_times_a_power_of_ten(double raw, double nice) =>
        NiceTicks.NiceStep(raw).Should().BeApproximately(nice, nice * 1e-12);

    [Fact]
    public void A_time_axis_from_0_to_400_has_round_ticks_and_spans_exactly_the_data()
    {
        var a = NiceTicks.Linear(0, 400, maxTicks: 9, expand: false);
        a.Min.Should().Be(0);
        a.Max.Should().Be(400);
        a.Ticks.Select(t => t.Label).Should().Equal("0", "50", "100", "150", "200", "250", "300", "350", "400");
    }

    [Fact]
    public void Expanded_axes_end_on_ticks_and_labels_carry_the_decimals_the_step_needs()
    {
        var a = NiceTicks.Linear(0.13, 0.87, maxTicks: 5);
        a.Min.Should().BeApproximately(0, 1e-15);
        a.Max.Should().BeApproximately(1, 1e-15);
        a.Ticks.Select(t => t.Label).Should().Equal("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");
        NiceTicks.Linear(-0.3, 0.3, 7).Ticks.Select(t => t.Label).Should().Equal("-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3");
    }

    [Fact]
    public void Index_axes_never_tick_between_cells()
    {
        NiceTicks.Linear(0, 4, maxTicks: 9, expand: false).Ticks.Should().Contain(t => t.Value == 0.5);
        NiceTicks.Linear(0, 4, maxTicks: 9, expand: false, minStep: 1).Ticks.Select(t => t.Label).Should().Equal("0", "1", "2", "3", "4");
        NiceTicks.Linear(-0.5, 0.5, maxTicks: 5, expand: false, minStep: 1).Ticks.Select(t => t.Value).Should().Equal(0);
    }

    [Fact]
    public void Very_large_and_very_small_values_use_exponent_labels()
    {
        NiceTicks.Linear(0, 3e6, 4).Ticks.Select(t => t.Label).Should().Equal("0", "1e6", "2e6", "3e6");
        NiceTicks.Linear(0, 2.5e-5, 6).Ticks.Select(t => t.Label).Should().Equal("0", "5e-6", "1e-5", "1.5e-5", "2e-5", "2.5e-5");
    }

    [Fact]
    public void A_constant_range_is_widened_around_its_value()
    {
        var a = NiceTicks.Linear(350, 350, 5);
        a.Min.Should().BeLessThan(350);
        a.Max.Should().BeGreaterThan(350);
        NiceTicks.Linear(0, 0, 5).Ticks.Should().Contain(t => t.Value == 0);
    }

    [Fact]
    public void Log_axes_label_decades_and_keep_a_margin_around_the_data()
    {
        var a = NiceTicks.Log10(3.5e-11, 100, maxTicks: 8);
        a.Log.Should().BeTrue();
        a.Min.Should().BeLessThan(3.5e-11);
        a.Max.Should().BeGreaterThan(100);
        a.Ticks.Select(t => t.Label).Should().Equal("10^{-10}", "10^{-8}", "10^{-6}", "10^{-4}", "10^{-2}", "10^{0}", "10^{2}");
        a.Fraction(a.Min).Should().BeApproximately(0, 1e-12);
        a.Fraction(a.Max).Should().BeApproximately(1, 1e-12);
        a.CanShow(0).Should().BeFalse();
    }

    [Fact]
    public void A_log_axis_over_less_than_two_decades_is_labelled_at_1_2_5()
    {
        var a = NiceTicks.Log10(4.5, 120);
        a.Ticks.Select(t => t.Label).Should().Equal("5", "10", "20", "50", "100");
        a.MinorTicks.Should().Contain(v => Math.Abs(v - 30) < 1e-9);
    }
}
