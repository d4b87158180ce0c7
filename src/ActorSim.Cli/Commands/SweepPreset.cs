using System.CommandLine;
using System.Globalization;

namespace ActorSim.Cli.Commands;

/// <summary>
/// A study command (<c>converge</c>, <c>force-velocity --loads</c>) run as a sweep: its runs are the members of a
/// zipped sweep of the scenario in a sweep directory (member directories, sweep.json, sweep.csv and Parquet, the
/// progress line, <c>--jobs</c>, <c>--cluster</c>), and the study's own outputs are then made from the members'
/// run.json. The sweep directory is <c>OUT/SUBDIR</c> with <c>--out</c> (running the same study again keeps the
/// members completed before, so a stopped study resumes; a different study there starts over), else a temporary
/// directory removed at the end.
/// </summary>
internal sealed class SweepPreset
{
    public required Option<int?> Jobs { get; init; }
    public required Option<string?> Cluster { get; init; }
    public required Option<int> MinWorkers { get; init; }

    /// <summary>The options every preset adds to its command.</summary>
    public static SweepPreset Options(Command command, string runs)
    {
        var preset = new SweepPreset
        {
            Jobs = new Option<int?>("--jobs", "-j") { Description = $"{runs} run at the same time (default: the number of cores; with --cluster, the number of worker nodes)." },
            Cluster = new Option<string?>("--cluster") { Description = $"Run the {runs.ToLowerInvariant()} on the cluster described by this config file (see cluster-config/README.md), as the members of a sweep." },
            MinWorkers = new Option<int>("--min-workers") { Description = "With --cluster: each run waits until at least this many worker nodes have joined.", DefaultValueFactory = _ => 1 },
        };
        command.Add(preset.Jobs);
        command.Add(preset.Cluster);
        command.Add(preset.MinWorkers);
        return preset;
    }

    /// <summary>The members' rows in the order of the plan, or an exit code (after printing why).</summary>
    public sealed record Outcome(int Exit, IReadOnlyList<SweepTable.Row> Rows);

    /// <summary>
    /// Runs the zipped <paramref name="axes"/> of the scenario <paramref name="path"/> as a sweep into
    /// <c><paramref name="outDir"/>/<paramref name="subdir"/></c> (a temporary directory without <paramref name="outDir"/>).
    /// </summary>
    public async Task<Outcome> RunAsync(ParseResult parse, string path, IReadOnlyList<string> axes, string? outDir, string subdir, CancellationToken cancellation)
    {
        int? jobs = parse.GetValue(Jobs);
        if (jobs is < 1)
        {
            Console.Error.WriteLine($"--jobs must be at least 1, not {jobs}");
            return new Outcome(ExitCodes.BadInput, []);
        }
        int minWorkers = parse.GetValue(MinWorkers);
        if (minWorkers < 1)
        {
            Console.Error.WriteLine($"--min-workers must be at least 1, not {minWorkers}");
            return new Outcome(ExitCodes.BadInput, []);
        }
        var cluster = SweepCommand.ClusterTarget.Load(parse.GetValue(Cluster), minWorkers);
        if (cluster is { Settings: null }) return new Outcome(ExitCodes.BadInput, []);
        bool temporary = outDir is null;
        string dir = temporary ? Directory.CreateTempSubdirectory("actorsim-" + subdir + "-").FullName : Path.Combine(outDir!, subdir);
        try
        {
            var plan = SweepCommand.Prepare(path, axes, zip: true);
            if (plan is null) return new Outcome(ExitCodes.BadInput, []);
            // force: the sweep directory belongs to the study; one of a different study there is replaced.
            int exit = await SweepCommand.RunAsync(plan, dir, jobs, force: true, quiet: false, cancellation, cluster, summary: !temporary);
            if (exit != ExitCodes.Ok) return new Outcome(exit, []);
            return new Outcome(ExitCodes.Ok, plan.Members.Select(m => SweepTable.Read(Path.Combine(dir, m.Name))).ToList());
        }
        finally
        {
            if (temporary)
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The number a member recorded in its summary under <paramref name="column"/> (e.g. <c>analysis.w1_final</c>).</summary>
    public static double Value(SweepTable.Row row, string column)
    {
        foreach (var (k, v) in row.Summary)
            if (k == column && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        throw new InvalidOperationException($"a member's run.json holds no number {column}");
    }
}
