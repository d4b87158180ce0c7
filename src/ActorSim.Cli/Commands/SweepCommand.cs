using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim sweep &lt;scenario&gt; --out DIR --set KEY=VALUES ...</c>: runs the product of the axes (or, with
/// <c>--zip</c>, their i-th values together) in process, <c>--jobs</c> members at a time, each a normal run into
/// <c>DIR/&lt;member&gt;/</c>, and tabulates them in <c>DIR/sweep.csv</c>. The plan is kept in <c>DIR/sweep.json</c>:
/// running the same sweep into the same DIR again (or <c>actorsim resume DIR</c>) keeps the completed members and
/// runs the rest. Every member's scenario is validated before anything is created.
/// </summary>
public static class SweepCommand
{
    public const string PlanFileName = "sweep.json";

    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "Path of the scenario JSON file every member starts from." };
        var outOption = new Option<string>("--out", "-o") { Description = "Sweep directory (created if missing): one directory per member, sweep.json (the plan) and sweep.csv (the table).", Required = true };
        var setOption = ScenarioErrors.SetOption("An axis KEY=VALUES by JSON path: a list a,b,c, a range start:stop:step (stop included), logspace(a,b,n), or one value (the same for every member). Repeatable; added to the axes of the scenario's \"sweep\" section (replacing one of the same key).");
        var zipOption = new Option<bool>("--zip") { Description = "Take the i-th value of every axis together (axes of equal length) instead of the product of the axes." };
        var jobsOption = new Option<int>("--jobs", "-j") { Description = "Members run at the same time (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var forceOption = new Option<bool>("--force") { Description = "Start over in a sweep directory that holds a different sweep (its member directories are replaced)." };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress line and no summary; errors only." };
        var clusterOption = new Option<string?>("--cluster") { Description = "Not yet supported for sweeps: members run in process." };
        var forceSizeOption = SizeCheck.ForceOption();
        var command = new Command("sweep", "Run a parameter sweep or an ensemble (the product of --set axes, or --zip) in process, members in parallel, into one directory with a sweep.csv table.")
        {
            scenarioArg, outOption, setOption, zipOption, jobsOption, forceOption, quietOption, clusterOption, forceSizeOption,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(clusterOption) is not null)
            {
                Console.Error.WriteLine("sweep --cluster: not yet supported; sweeps run in process for now (drop --cluster, or run members with 'actorsim run --cluster --set ...')");
                return ExitCodes.BadInput;
            }
            int jobs = parse.GetValue(jobsOption);
            if (jobs < 1)
            {
                Console.Error.WriteLine($"--jobs must be at least 1, not {jobs}");
                return ExitCodes.BadInput;
            }
            string path = parse.GetRequiredValue(scenarioArg);
            string dir = parse.GetRequiredValue(outOption);
            var plan = Prepare(path, parse.GetValue(setOption) ?? [], parse.GetValue(zipOption), sizeCheck: (dir, jobs, parse.GetValue(forceSizeOption)));
            if (plan is null) return ExitCodes.BadInput;
            return await RunAsync(plan, dir, jobs, parse.GetValue(forceOption), parse.GetValue(quietOption), cancellation);
        });
        return command;
    }

    /// <summary>A checked sweep: the scenario's text and file name, the axes and the members.</summary>
    internal sealed record Plan(string File, string Text, IReadOnlyList<string> AxisTexts, bool Zip, IReadOnlyList<string> AxisKeys, IReadOnlyList<SweepMember> Members);

    /// <summary>The plan of a sweep with every member's scenario validated, or null after printing why not.</summary>
    internal static Plan? Prepare(string path, IReadOnlyList<string> sets, bool zip, string? text = null, (string Dir, int Jobs, bool Force)? sizeCheck = null)
    {
        try
        {
            Scenario baseScenario;
            if (text is null)
            {
                baseScenario = ScenarioLoader.Load(path, ScenarioErrors.Limits());   // the file itself: readable, within its limits
                text = File.ReadAllText(path);
            }
            else baseScenario = ScenarioLoader.Parse(text, path, limits: ScenarioErrors.Limits());
            // The file's sweep section first, then the --set axes (a --set of a key the section sweeps replaces it).
            var setAxes = sets.Select(SweepAxis.Parse).ToList();
            var axes = baseScenario.SweepAxes.Where(a => setAxes.All(s => s.Key != a.Key)).Concat(setAxes).ToList();
            zip |= baseScenario.SweepZip;
            var members = SweepPlan.Members(axes, zip);
            int failing = 0;
            ScenarioException? first = null;
            SweepMember? firstMember = null;
            var scenarios = new List<(string Name, Scenario Scenario)>();
            foreach (var m in members)
            {
                try
                {
                    scenarios.Add((m.Name, ScenarioLoader.Parse(text, path, m.Overrides, limits: ScenarioErrors.Limits())));
                }
                catch (ScenarioException e)
                {
                    if (failing++ == 0) { first = e; firstMember = m; }
                }
            }
            if (first is not null)
            {
                Console.Error.WriteLine($"{path}: {failing} of {members.Count} sweep member{(members.Count == 1 ? "" : "s")} would be invalid; nothing was run. " +
                    $"The first, {firstMember!.Name}:");
                ScenarioErrors.Print(path, first);
                return null;
            }
            if (sizeCheck is { } size && !SizeCheck.FitsSweep(scenarios, size.Jobs, size.Dir, size.Force)) return null;
            return new Plan(path, text, sets.ToList(), zip, axes.Select(a => a.Key).ToList(), members);
        }
        catch (ScenarioException e)
        {
            ScenarioErrors.Print(path, e);
            return null;
        }
    }

    private static JsonObject PlanJson(Plan plan) => new()
    {
        ["scenario_file"] = plan.File,
        ["scenario_text"] = plan.Text,
        ["axes"] = new JsonArray(plan.AxisTexts.Select(a => (JsonNode?)a).ToArray()),
        ["zip"] = plan.Zip,
        ["members"] = new JsonArray(plan.Members.Select(m => (JsonNode?)new JsonObject
        {
            ["name"] = m.Name,
            ["set"] = new JsonArray(m.Overrides.Select(o => (JsonNode?)o.Text).ToArray()),
        }).ToArray()),
    };

    /// <summary>The plan recorded in <paramref name="dir"/>/sweep.json (for <c>actorsim resume DIR</c>), or null after printing why not.</summary>
    internal static Plan? Recorded(string dir)
    {
        string file = Path.Combine(dir, PlanFileName);
        try
        {
            var doc = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            return Prepare((string)doc["scenario_file"]!, doc["axes"]!.AsArray().Select(a => (string)a!).ToList(), (bool)doc["zip"]!, (string)doc["scenario_text"]!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            Console.Error.WriteLine($"{file}: cannot read the sweep's plan: {e.Message}");
            return null;
        }
    }

    /// <summary>Runs the members of <paramref name="plan"/> not yet completed in <paramref name="dir"/>; the exit code.</summary>
    internal static async Task<int> RunAsync(Plan plan, string dir, int jobs, bool force, bool quiet, CancellationToken cancellation)
    {
        string planFile = Path.Combine(dir, PlanFileName);
        string planText = PlanJson(plan).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        try
        {
            if (File.Exists(dir))
            {
                Console.Error.WriteLine($"{dir}: is a file, not a directory; choose another --out");
                return ExitCodes.BadInput;
            }
            if (File.Exists(planFile))
            {
                if (File.ReadAllText(planFile) != planText)
                {
                    if (!force)
                    {
                        Console.Error.WriteLine($"{dir}: holds a different sweep (another scenario, axes or members; see {planFile}); choose another --out, or pass --force to start over");
                        return ExitCodes.BadInput;
                    }
                    foreach (string name in RecordedMemberNames(planFile).Concat(plan.Members.Select(m => m.Name)).Distinct())
                        DeleteMember(Path.Combine(dir, name));
                }
            }
            else if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !force)
            {
                Console.Error.WriteLine($"{dir}: the directory exists, is not empty and holds no sweep; choose another --out, or pass --force to use it");
                return ExitCodes.BadInput;
            }
            Directory.CreateDirectory(dir);
            File.WriteAllText(planFile, planText);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{dir}: cannot create or write the sweep directory: {e.Message}");
            return ExitCodes.BadInput;
        }

        // Completed members (run.json says so, and its results hash matches the time series) are kept.
        var todo = new List<SweepMember>();
        int kept = 0;
        foreach (var m in plan.Members)
        {
            if (IsCompleted(Path.Combine(dir, m.Name))) kept++;
            else todo.Add(m);
        }
        var progress = new SweepProgress(plan.Members.Count, kept, jobs, quiet);
        if (!quiet && kept > 0) Console.Out.WriteLine($"Sweep {dir}: {kept} of {plan.Members.Count} members completed earlier are kept; running {todo.Count}.");
        // The table is rewritten as members end (at most once a second, and at the end), from rows read once per member.
        var tableLock = new object();
        var rows = plan.Members.ToDictionary(m => m.Name, m => SweepTable.Read(Path.Combine(dir, m.Name)));
        var sinceWrite = Stopwatch.StartNew();
        void WriteTable(SweepMember? ended = null, bool now = true)
        {
            lock (tableLock)
            {
                if (ended is not null) rows[ended.Name] = SweepTable.Read(Path.Combine(dir, ended.Name));
                if (!now && sinceWrite.Elapsed < TimeSpan.FromSeconds(1)) return;
                SweepTable.Write(dir, plan.AxisKeys, plan.Members, m => rows[m.Name]);
                sinceWrite.Restart();
            }
        }
        WriteTable();

        bool cancelled = false;
        int failed = 0;
        using var logs = StderrLoggerProvider.CreateFactory();
        try
        {
            await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = CancellationToken.None }, async (m, _) =>
            {
                if (cancellation.IsCancellationRequested) return;
                string memberDir = Path.Combine(dir, m.Name);
                progress.Started();
                string status;
                var clock = Stopwatch.StartNew();
                try
                {
                    var scenario = ScenarioLoader.Parse(plan.Text, plan.File, m.Overrides, limits: ScenarioErrors.Limits());
                    var result = await Task.Run(() => LocalRunner.RunAsync(scenario, new RunOptions(memberDir, Force: true, logs), null, cancellation));
                    status = result.Status == RunStatus.Completed ? "completed" : "cancelled";
                }
                catch (RunFailedException e)
                {
                    status = "failed";
                    Console.Error.WriteLine($"{memberDir}: {RunCommand.RunFailure(e)}");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Any other failure of one member (its directory, an unexpected error) fails that member only.
                    status = "failed";
                    Console.Error.WriteLine($"{memberDir}: {(CliErrors.Find<IOException>(e) is { } io ? CliErrors.IoError(io) : e.Message)}");
                }
                if (status == "failed") Interlocked.Increment(ref failed);
                if (status == "cancelled") cancelled = true;
                progress.Finished(status, clock.Elapsed.TotalSeconds);
                WriteTable(m, now: false);
            });
        }
        finally
        {
            WriteTable();
            progress.End();
        }
        cancelled |= cancellation.IsCancellationRequested;
        int done = plan.Members.Count(m => IsCompleted(Path.Combine(dir, m.Name)));
        if (!quiet)
            Console.Out.WriteLine($"Sweep {(cancelled ? "stopped" : "finished")}: {done} of {plan.Members.Count} members completed ({kept} kept from before), {failed} failed; " +
                $"table {Path.Combine(dir, SweepTable.FileName)}" + (cancelled || failed > 0 ? $"; run the same command again (or 'actorsim resume {dir}') to finish it" : ""));
        return cancelled ? ExitCodes.Cancelled : failed > 0 ? ExitCodes.RunFailed : ExitCodes.Ok;
    }

    /// <summary>True when the member in <paramref name="memberDir"/> completed and its time series is the one its run.json hashed.</summary>
    internal static bool IsCompleted(string memberDir)
    {
        var row = SweepTable.Read(memberDir);
        if (row.Status != "completed" || row.ResultsSha256 is null) return false;
        string csv = Path.Combine(memberDir, "timeseries.csv");
        if (!File.Exists(csv)) return false;
        using var stream = File.OpenRead(csv);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) == row.ResultsSha256;
    }

    /// <summary>The member names of the plan in <paramref name="planFile"/> (none when it cannot be read).</summary>
    private static IEnumerable<string> RecordedMemberNames(string planFile)
    {
        try
        {
            return (JsonNode.Parse(File.ReadAllText(planFile))?["members"] as JsonArray ?? [])
                .Select(m => (string?)m?["name"]).OfType<string>()
                .Where(n => n.Length > 0 && n.IndexOfAny(['/', '\\']) < 0 && n is not ("." or ".."))
                .ToList();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return [];
        }
    }

    private static void DeleteMember(string memberDir)
    {
        if (Directory.Exists(memberDir)) Directory.Delete(memberDir, recursive: true);
    }

    /// <summary>
    /// The sweep's one progress line: members done, running, failed and the ETA (from the mean member wall time and
    /// the jobs). On a terminal the line is redrawn in place; otherwise a line is printed as each member ends.
    /// </summary>
    private sealed class SweepProgress(int total, int kept, int jobs, bool quiet)
    {
        private readonly object gate = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly bool interactive = ProgressDisplay.IsInteractive;
        private int done, running, failed, finishedHere;
        private double memberSeconds;

        public void Started()
        {
            lock (gate) { running++; Draw(); }
        }

        public void Finished(string status, double seconds)
        {
            lock (gate)
            {
                running--;
                if (status == "completed") { done++; finishedHere++; memberSeconds += seconds; }
                else if (status == "failed") failed++;
                Draw(force: true);
            }
        }

        public void End()
        {
            lock (gate) if (interactive && !quiet) Console.Error.WriteLine();
        }

        private void Draw(bool force = false)
        {
            if (quiet || (!interactive && !force)) return;
            int left = total - kept - done - failed;
            string eta = finishedHere == 0 ? "…" : ProgressEstimate.Clock(memberSeconds / finishedHere * Math.Max(0, left) / Math.Min(jobs, Math.Max(1, left)));
            string line = string.Create(CultureInfo.InvariantCulture,
                $"sweep: {kept + done}/{total} done, {running} running, {failed} failed, elapsed {ProgressEstimate.Clock(clock.Elapsed.TotalSeconds)}, ETA {eta}");
            if (interactive) Console.Error.Write("\r" + line + "\u001b[K");
            else Console.Error.WriteLine(line);
        }
    }
}
