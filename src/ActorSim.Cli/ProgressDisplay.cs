using System.Diagnostics;
using ActorSim.Simulation.Monitoring;
using ActorSim.Simulation.Runtime;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ActorSim.Cli;

/// <summary>
/// A progress bar for runs that last longer than a second, shown only on an interactive terminal; with output
/// redirected (files, pipes, CI) nothing is drawn. It is redrawn five times a second from the run's step records
/// (the monitor's, about ten a second; the output-time progress reports when there is no monitor), with labelled
/// columns: simulated time, bar, percentage, "elapsed" and "ETA" (from the rate over the last seconds,
/// <see cref="ProgressEstimate"/>).
/// </summary>
public static class ProgressDisplay
{
    private const int RedrawMs = 200;

    public static bool IsInteractive =>
        !Console.IsOutputRedirected && !Console.IsErrorRedirected && TerminalIsInteractive()
        && Environment.GetEnvironmentVariable("CI") is null or "" or "false";

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool TerminalIsInteractive() => AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<T> RunWithProgressAsync<T>(bool quiet, double end, Func<Action<RunProgress>, Task<T>> run, RunMonitor? monitor = null)
    {
        RunProgress? latest = null;
        var clock = Stopwatch.StartNew();
        Task<T> task = run(p => Volatile.Write(ref latest, p));
        if (quiet || !IsInteractive) return await task;

        var firstSecond = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1)));
        if (firstSecond == task) return await task;

        await ShowBarAsync(task, end, clock, monitor, () => Volatile.Read(ref latest));
        return await task;
    }

    /// <summary>Draws the bar until <paramref name="task"/> ends; a method of its own so that a quiet or redirected run
    /// does not load Spectre.Console (start-up, issue 14).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Task ShowBarAsync(Task task, double end, Stopwatch clock, RunMonitor? monitor, Func<RunProgress?> latest)
    {
        var estimate = new ProgressEstimate(end);
        return AnsiConsole.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new LabelledColumn("elapsed", () => ProgressEstimate.Clock(estimate.Elapsed)),
                new LabelledColumn("ETA", () => estimate.EtaSeconds is { } eta ? ProgressEstimate.Clock(eta) : "…"),
                new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask("simulating", maxValue: end);
                while (!task.IsCompleted)
                {
                    double? t = monitor?.Latest?.T ?? latest()?.T;
                    long? steps = monitor?.Latest?.Step ?? latest()?.Steps;
                    if (t is { } now)
                    {
                        estimate.Add(clock.Elapsed.TotalSeconds, now);
                        bar.Value = Math.Min(now, end);
                        bar.Description = $"t = {now:G4} / {end:G4}, {steps} steps";
                    }
                    else estimate.Add(clock.Elapsed.TotalSeconds, 0);
                    await Task.WhenAny(task, Task.Delay(RedrawMs));
                }
                bar.Value = end;
            });
    }

    /// <summary>A column "label 0:07" whose value is read at every redraw.</summary>
    private sealed class LabelledColumn(string label, Func<string> value) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup($"[grey]{Markup.Escape(label)}[/] {Markup.Escape(value())}");
    }
}
