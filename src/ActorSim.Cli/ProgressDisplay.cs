using Spectre.Console;
using ActorSim.Simulation.Runtime;

namespace ActorSim.Cli;

/// <summary>
/// A progress bar with ETA for runs that last longer than a second, shown only on an interactive
/// terminal; with output redirected (files, pipes, CI) nothing is drawn.
/// </summary>
public static class ProgressDisplay
{
    public static bool IsInteractive =>
        !Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive
        && Environment.GetEnvironmentVariable("CI") is null or "" or "false";

    public static async Task<T> RunWithProgressAsync<T>(bool quiet, double end, Func<Action<RunProgress>, Task<T>> run)
    {
        RunProgress? latest = null;
        Task<T> task = run(p => Volatile.Write(ref latest, p));
        if (quiet || !IsInteractive) return await task;

        var firstSecond = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1)));
        if (firstSecond == task) return await task;

        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask("simulating", maxValue: end);
                while (!task.IsCompleted)
                {
                    if (Volatile.Read(ref latest) is { } p)
                    {
                        bar.Value = p.T;
                        bar.Description = $"t = {p.T:G4} / {end:G4}, {p.Steps} steps";
                    }
                    await Task.WhenAny(task, Task.Delay(200));
                }
                bar.Value = end;
            });
        return await task;
    }
}
