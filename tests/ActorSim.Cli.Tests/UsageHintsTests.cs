namespace ActorSim.Cli.Tests;

/// <summary>A misspelt option or command is a usage error (exit 2) that names the closest one.</summary>
public class UsageHintsTests
{
    [Theory]
    [InlineData("Did you mean '--force'?", "run", "scenarios/may-nowak-ode.json", "--out", "out/x", "--fource")]
    [InlineData("Did you mean 'validate'?", "valdate", "scenarios/may-nowak-ode.json")]
    [InlineData("Did you mean 'describe'?", "descibe", "muscle-1d")]
    public void A_misspelt_option_or_command_names_the_closest_one(string hint, params string[] args)
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(hint, r.StdErr);
        Assert.False(Directory.Exists(dir.File("out/x")));
    }

    [Fact]
    public void A_far_off_token_gets_no_guess()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode.json", "--out", "out/x", "--zzzzzz");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unrecognized command or argument '--zzzzzz'.", r.StdErr);
        Assert.DoesNotContain("Did you mean", r.StdErr);
    }
}
