using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Actors;
using ActorSim.Actors.Remote;
using Akka.Actor;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim sweep &lt;scenario&gt; --out DIR --set KEY=VALUES ...</c>: runs the product of the axes (or, with
/// <c>--zip</c>, their i-th values together) in process or, with <c>--cluster</c>, as independent cluster runs spread
/// over the cluster's workers, <c>--jobs</c> members at a time, each a normal run into
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
        var jobsOption = new Option<int?>("--jobs", "-j") { Description = "Members run at the same time (default: the number of cores; with --cluster, the number of worker nodes)." };
        var forceOption = new Option<bool>("--force") { Description = "Start over in a sweep directory that holds a different sweep (its member directories are replaced)." };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress line and no summary; errors only." };
        var clusterOption = new Option<string?>("--cluster") { Description = "Run the members on the cluster described by this config file (see cluster-config/README.md), each an independent cluster run placed on the least busy workers; outputs still go to --out here." };
        var minWorkersOption = new Option<int>("--min-workers") { Description = "With --cluster: each member waits (up to the config's submit_timeout_s) until at least this many worker nodes have joined.", DefaultValueFactory = _ => 1 };
        var forceSizeOption = SizeCheck.ForceOption();
        var dashboardOption = new Option<bool>("--dashboard") { Description = "Serve the live dashboard of the sweep (a web page on 127.0.0.1 by default: every member with its swept values, status, progress and wall time) while it runs; the URL is printed." };
        var dashboard = new DashboardOptions(Dashboard.DashboardSettings.DefaultPort);
        var command = new Command("sweep", "Run a parameter sweep or an ensemble (the product of --set axes, or --zip) in process or on a cluster (--cluster), members in parallel, into one directory with a sweep.csv table.")
        {
            scenarioArg, outOption, setOption, zipOption, jobsOption, forceOption, quietOption, clusterOption, minWorkersOption, forceSizeOption, dashboardOption,
        };
        foreach (var o in dashboard.All) command.Add(o);
        command.SetAction(async (parse, cancellation) =>
        {
            int? jobs = parse.GetValue(jobsOption);
            if (jobs is < 1)
            {
                Console.Error.WriteLine($"--jobs must be at least 1, not {jobs}");
                return ExitCodes.BadInput;
            }
            int minWorkers = parse.GetValue(minWorkersOption);
            if (minWorkers < 1)
            {
                Console.Error.WriteLine($"--min-workers must be at least 1, not {minWorkers}");
                return ExitCodes.BadInput;
            }
            var cluster = ClusterTarget.Load(parse.GetValue(clusterOption), minWorkers);
            if (cluster is { Settings: null }) return ExitCodes.BadInput;
            string path = parse.GetRequiredValue(scenarioArg);
            string dir = parse.GetRequiredValue(outOption);
            var plan = Prepare(path, parse.GetValue(setOption) ?? [], parse.GetValue(zipOption),
                sizeCheck: (dir, jobs ?? Environment.ProcessorCount, parse.GetValue(forceSizeOption), LocalMemory: cluster is null));
            if (plan is null) return ExitCodes.BadInput;
            StartupTrace.Mark($"sweep: plan of {plan.Members.Count} members checked");
            Dashboard.DashboardSettings? settings = null;
            if (parse.GetValue(dashboardOption) && (settings = dashboard.Read(parse)) is null) return ExitCodes.BadInput;
            if (settings is null) return await RunAsync(plan, dir, jobs, parse.GetValue(forceOption), parse.GetValue(quietOption), cancellation, cluster);
            // The dashboard reads the sweep directory (the plan, each member's run.json and monitor.jsonl).
            await using var source = new Dashboard.SweepMonitorSource(dir);
            await using var server = await Dashboard.DashboardServer.StartAsync(source, settings, cancellation);
            DashboardOptions.PrintUrl(server, settings);
            int exit = await RunAsync(plan, dir, jobs, parse.GetValue(forceOption), parse.GetValue(quietOption), cancellation, cluster);
            source.Refresh();
            return exit;
        });
        return command;
    }

    /// <summary>
    /// The cluster a sweep runs on: its config file, the settings read from it (null after printing why they could not
    /// be read), and the workers each member waits for.
    /// </summary>
    internal sealed record ClusterTarget(string ConfigFile, ClusterSettings? Settings, int MinWorkers)
    {
        /// <summary>Null without a config file; a target with null settings when the file is bad (the error is printed).</summary>
        public static ClusterTarget? Load(string? configFile, int minWorkers)
        {
            if (configFile is null) return null;
            try
            {
                return new ClusterTarget(configFile, ClusterSettingsLoader.Load(configFile), minWorkers);
            }
            catch (ClusterConfigurationException e)
            {
                Console.Error.WriteLine(CliErrors.Prefixed(configFile, e.Message));
                return new ClusterTarget(configFile, null, minWorkers);
            }
        }
    }

    /// <summary>A checked sweep: the scenario's text and file name, the axes and the members.</summary>
    internal sealed record Plan(string File, string Text, IReadOnlyList<string> AxisTexts, bool Zip, IReadOnlyList<string> AxisKeys, IReadOnlyList<SweepMember> Members)
    {
        /// <summary>Each member's scenario as validated by <see cref="Prepare"/> (by member name): a member runs it as it is.</summary>
        public IReadOnlyDictionary<string, Scenario> Scenarios { get; init; } = new Dictionary<string, Scenario>();
    }

    /// <summary>The plan of a sweep with every member's scenario validated, or null after printing why not.</summary>
    internal static Plan? Prepare(string path, IReadOnlyList<string> sets, bool zip, string? text = null,
        (string Dir, int Jobs, bool Force, bool LocalMemory)? sizeCheck = null)
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
            if (sizeCheck is { } size && !SizeCheck.FitsSweep(scenarios, size.Jobs, size.Dir, size.Force, size.LocalMemory)) return null;
            return new Plan(path, text, sets.ToList(), zip, axes.Select(a => a.Key).ToList(), members)
            {
                Scenarios = scenarios.ToDictionary(x => x.Name, x => x.Scenario, StringComparer.Ordinal),
            };
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

    /// <summary>
    /// Runs the members of <paramref name="plan"/> not yet completed in <paramref name="dir"/>, in process or on
    /// <paramref name="cluster"/>, <paramref name="jobs"/> at a time (null: the number of cores, or of the cluster's
    /// workers); the exit code.
    /// </summary>
    /// <remarks><paramref name="summary"/> false leaves out the closing line naming the table (a directory about to be removed).</remarks>
    internal static async Task<int> RunAsync(Plan plan, string dir, int? jobs, bool force, bool quiet, CancellationToken cancellation, ClusterTarget? cluster = null,
        bool summary = true)
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
        // On a cluster, submissions go one at a time (each sees where the others were placed); without --jobs, one member
        // runs until the first is accepted and the workers are known, then as many as there are workers.
        var balancer = cluster is null ? null : new WorkerBalancer();
        int Limit() => jobs ?? (balancer is null ? Environment.ProcessorCount : Math.Max(1, balancer.WorkerCount));
        var progress = new SweepProgress(plan.Members.Count, kept, Limit, quiet);
        if (!quiet && kept > 0) Console.Out.WriteLine($"Sweep {dir}: {kept} of {plan.Members.Count} members completed earlier are kept; running {todo.Count}.");
        // The table is rewritten as members end (at most once a second, and at the end), from rows read once per member.
        var tableLock = new object();
        var rows = plan.Members.ToDictionary(m => m.Name, m => SweepTable.Read(Path.Combine(dir, m.Name)));
        var sinceWrite = Stopwatch.StartNew();
        // While members run only sweep.csv is rewritten; sweep.parquet (slower to write) when the sweep ends or stops.
        void WriteTable(SweepMember? ended = null, bool now = true, bool parquet = false)
        {
            lock (tableLock)
            {
                if (ended is not null) rows[ended.Name] = SweepTable.Read(Path.Combine(dir, ended.Name));
                if (!now && sinceWrite.Elapsed < TimeSpan.FromSeconds(1)) return;
                SweepTable.Write(dir, plan.AxisKeys, plan.Members, m => rows[m.Name], parquet);
                sinceWrite.Restart();
            }
        }
        WriteTable();
        StartupTrace.Mark("sweep: plan and first table written");

        bool cancelled = false;
        int failed = 0;
        using var logs = StderrLoggerProvider.CreateFactory();
        // In process, the members share one warm actor system (each member's actors under a root of their own, which
        // isolates its failure): no actor system is started or stopped per member. It stops when the sweep ends.
        var stopping = new List<Task>();
        ActorSystem? shared = null;
        ActorSystem Shared()
        {
            lock (stopping) return shared ??= ActorRuntime.CreateLocal("actorsim-sweep", logs);
        }
        async Task RunMember(SweepMember m)
        {
            string memberDir = Path.Combine(dir, m.Name);
            StartupTrace.Mark($"sweep: {m.Name} starts");
            progress.Started();
            string status;
            var clock = Stopwatch.StartNew();
            try
            {
                // Validated once by Prepare; parsed again only for a plan made without them.
                var scenario = plan.Scenarios.TryGetValue(m.Name, out var validated) ? validated
                    : ScenarioLoader.Parse(plan.Text, plan.File, m.Overrides, limits: ScenarioErrors.Limits());
                var result = balancer is null
                    ? await Task.Run(() => LocalRunner.RunAsync(scenario, new RunOptions(memberDir, Force: true, logs) { SharedSystem = Shared() }, null, cancellation))
                    : await balancer.RunAsync(scenario, cluster!, memberDir, logs, cancellation);
                status = result.Status == RunStatus.Completed ? "completed" : "cancelled";
            }
            catch (Exception e) when (cancellation.IsCancellationRequested && e is RunFailedException or OperationCanceledException)
            {
                status = "cancelled"; // Ctrl-C while the member waited for its turn to submit, or for the cluster
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
            StartupTrace.Mark($"sweep: {m.Name} returned");
            progress.Finished(status, clock.Elapsed.TotalSeconds);
            WriteTable(m, now: false);
            StartupTrace.Mark($"sweep: {m.Name} row read");
        }
        if (balancer is null && todo.Count > 0) Shared(); // warm before the first member starts
        StartupTrace.Mark("sweep: shared actor system ready");
        try
        {
            var queue = new Queue<SweepMember>(todo);
            var running = new List<Task>();
            while (queue.Count > 0 && !cancellation.IsCancellationRequested)
            {
                if (running.Count < Limit())
                {
                    running.Add(RunMember(queue.Dequeue()));
                    continue;
                }
                // A member ended, or (on a cluster without --jobs) the workers became known: look again.
                var changed = balancer?.WorkersChanged;
                await Task.WhenAny(changed is null ? running : running.Append(changed));
                running.RemoveAll(t => t.IsCompleted);
            }
            await Task.WhenAll(running);
            StartupTrace.Mark("sweep: members ended");
        }
        finally
        {
            Task[] stops;
            lock (stopping)
            {
                if (shared is not null) stopping.Add(shared.ShutdownAsync(TimeSpan.FromSeconds(10)));
                stops = stopping.ToArray();
            }
            await Task.WhenAll(stops);
            StartupTrace.Mark("sweep: actor systems stopped");
            WriteTable(parquet: true);
            StartupTrace.Mark("sweep: table written");
            progress.End();
        }
        cancelled |= cancellation.IsCancellationRequested;
        int done = plan.Members.Count(m => IsCompleted(Path.Combine(dir, m.Name)));
        if (!quiet && summary)
            Console.Out.WriteLine($"Sweep {(cancelled ? "stopped" : "finished")}: {done} of {plan.Members.Count} members completed ({kept} kept from before), {failed} failed; " +
                $"table {Path.Combine(dir, SweepTable.FileName)}" + (cancelled || failed > 0 ? $"; run the same command again (or 'actorsim resume {dir}') to finish it" : ""));
        return cancelled ? ExitCodes.Cancelled : failed > 0 ? ExitCodes.RunFailed : ExitCodes.Ok;
    }

    /// <summary>True when the member in <paramref name="memberDir"/> completed and its time series is the one its run.json hashed.</summary>
    public static bool IsCompleted(string memberDir)
    {
        var row = SweepTable.Read(memberDir);
        if (row.Status != "completed" || row.ResultsSha256 is null) return false;
        string csv = Path.Combine(memberDir, "timeseries.csv");
        if (!File.Exists(csv)) return false;
        string fields = Path.Combine(memberDir, "fields");
        var names = Directory.Exists(fields)
            ? Directory.EnumerateFiles(fields, "*.npy").Select(f => Path.GetFileNameWithoutExtension(f))
                .Where(stem => stem.LastIndexOf('_') > 0).Select(stem => stem[..stem.LastIndexOf('_')]).Distinct().Order(StringComparer.Ordinal).ToList()
            : [];
        if (names.Count == 0)
        {
            using var stream = File.OpenRead(csv);
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) == row.ResultsSha256;
        }
        // The hash runs over the bytes in the order they were written: the header, then per output its row and its
        // fields in the model's order, which the directory does not tell: every order of a few fields is tried.
        byte[] bytes = File.ReadAllBytes(csv);
        if (names.Count > 5) return false;
        return Orders(names).Any(order => ResultsHash(bytes, fields, order) == row.ResultsSha256);
    }

    /// <summary>The results_sha256 of a time series and its field files (<c>NAME_INDEX.npy</c>, per output in <paramref name="order"/>).</summary>
    private static string ResultsHash(byte[] timeseries, string fields, IReadOnlyList<string> order)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        int pos = Array.IndexOf(timeseries, (byte)'\n') + 1;
        hash.AppendData(timeseries, 0, pos);
        for (int i = 0; pos < timeseries.Length; i++)
        {
            int end = Array.IndexOf(timeseries, (byte)'\n', pos) + 1;
            if (end == 0) end = timeseries.Length;
            hash.AppendData(timeseries, pos, end - pos);
            pos = end;
            foreach (string name in order)
            {
                string file = Path.Combine(fields, string.Create(CultureInfo.InvariantCulture, $"{name}_{i:D4}.npy"));
                if (File.Exists(file)) hash.AppendData(File.ReadAllBytes(file));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Every order of <paramref name="items"/> (the given order first).</summary>
    private static IEnumerable<IReadOnlyList<string>> Orders(IReadOnlyList<string> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }
        for (int i = 0; i < items.Count; i++)
            foreach (var rest in Orders(items.Where((_, j) => j != i).ToList()))
                yield return [items[i], .. rest];
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
    private sealed class SweepProgress(int total, int kept, Func<int> jobs, bool quiet)
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
            string eta = finishedHere == 0 ? "…" : ProgressEstimate.Clock(memberSeconds / finishedHere * Math.Max(0, left) / Math.Min(jobs(), Math.Max(1, left)));
            string line = string.Create(CultureInfo.InvariantCulture,
                $"sweep: {kept + done}/{total} done, {running} running, {failed} failed, elapsed {ProgressEstimate.Clock(clock.Elapsed.TotalSeconds)}, ETA {eta}");
            if (interactive) Console.Error.Write("\r" + line + "\u001b[K");
            else Console.Error.WriteLine(line);
        }
    }

    /// <summary>
    /// Places a cluster sweep's members: each member is an independent cluster run (<see cref="ClusterRunner.RunAsync"/>)
    /// whose blocks go to the least busy workers (the others are excluded from its placement), on as few nodes as its
    /// blocks need. Submissions are one at a time, so each sees where the members before it went; the workers are learnt
    /// from the runs' acceptances.
    /// </summary>
    public sealed class WorkerBalancer
    {
        private readonly object gate = new();
        private readonly SemaphoreSlim submitting = new(1, 1);
        private readonly SortedSet<string> workers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> load = new(StringComparer.Ordinal);
        private readonly SortedSet<string> submitters = new(StringComparer.Ordinal);
        private TaskCompletionSource workersChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int submissions;

        /// <summary>The worker nodes seen so far.</summary>
        public int WorkerCount { get { lock (gate) return workers.Count; } }

        /// <summary>Completes when more workers become known.</summary>
        public Task WorkersChanged { get { lock (gate) return workersChanged.Task; } }

        internal async Task<RunResult> RunAsync(Scenario scenario, ClusterTarget cluster, string memberDir, Microsoft.Extensions.Logging.ILoggerFactory logs,
            CancellationToken cancellation)
        {
            await submitting.WaitAsync(cancellation);
            int released = 0;
            void Release()
            {
                if (Interlocked.Exchange(ref released, 1) == 0) submitting.Release();
            }
            IReadOnlyList<string> placed = [];
            // The members' submitters are cluster members too: the others in flight are excluded, so that no run asks
            // them for blocks (a submitter does not answer as a worker).
            string submitter = $"sweep-{Environment.ProcessId}-{Interlocked.Increment(ref submissions)}-" +
                Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
            try
            {
                var exclude = Exclude(scenario.Run.Blocks);
                int steered;
                lock (gate) steered = workers.Count(exclude.Contains);
                var options = ClusterRunOptions.From(cluster.Settings!, memberDir) with
                {
                    Force = true,
                    // Once members are steered, --min-workers has been seen (the workers are known): the member waits
                    // only for the workers it may use.
                    MinWorkers = steered == 0 ? cluster.MinWorkers : Math.Max(1, Math.Min(cluster.MinWorkers, WorkerCount - steered)),
                    LoggerFactory = logs,
                    Exclude = exclude,
                    SubmitterNodeId = submitter,
                };
                Submitting(submitter);
                return await ClusterRunner.RunAsync(scenario, scenario.Document.ToJsonString(), options, null, a =>
                {
                    placed = Accepted(a);
                    Release();
                }, cancellation);
            }
            finally
            {
                Release();
                lock (gate) submitters.Remove(submitter);
                Ended(placed);
            }
        }

        /// <summary>A member's submitter joins the cluster as <paramref name="submitter"/>.</summary>
        public void Submitting(string submitter)
        {
            lock (gate) submitters.Add(submitter);
        }

        /// <summary>
        /// The nodes a member of <paramref name="blocks"/> blocks must not use: every known worker but the least busy ones
        /// its blocks need, and the other members' submitters.
        /// </summary>
        public IReadOnlyList<string> Exclude(int blocks)
        {
            lock (gate)
            {
                var keep = blocks < 1 ? [] : workers.OrderBy(w => load.GetValueOrDefault(w)).ThenBy(w => w, StringComparer.Ordinal).Take(blocks).ToHashSet(StringComparer.Ordinal);
                return (blocks < 1 ? [] : workers.Where(w => !keep.Contains(w))).Concat(submitters).ToList();
            }
        }

        /// <summary>Learns the workers from an acceptance and counts where the member runs; the nodes it loads (one entry per block).</summary>
        public IReadOnlyList<string> Accepted(RunAccepted a)
        {
            // A member without blocks runs on its coordinator.
            IReadOnlyList<string> nodes = a.Placement.Count > 0 ? a.Placement.ToList() : [a.CoordinatorNode];
            lock (gate)
            {
                int before = workers.Count;
                workers.UnionWith(a.Workers);
                foreach (string node in nodes) load[node] = load.GetValueOrDefault(node) + 1;
                if (workers.Count > before)
                {
                    workersChanged.TrySetResult();
                    workersChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            return nodes;
        }

        /// <summary>A member that loaded <paramref name="nodes"/> ended.</summary>
        public void Ended(IReadOnlyList<string> nodes)
        {
            lock (gate) foreach (string node in nodes) load[node]--;
        }
    }
}
