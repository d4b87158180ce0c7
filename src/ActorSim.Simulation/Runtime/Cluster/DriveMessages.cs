using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// A run handed to the cluster (<c>actorsim run --cluster … --detach</c>): the node that gets it (the leader) drives it
/// in its own process — the epoch loop, recoveries, moves and the output writer that <see cref="ClusterRunner"/> runs
/// on a submitter — and writes the outputs to <paramref name="OutputDirectory"/> on its own machine, so the run does
/// not depend on the process that submitted it. Answered with a <see cref="DrivenRunStatus"/> once the blocks are placed
/// (state <c>running</c>), or with state <c>refused</c> (bad scenario, unusable directory) or <c>failed</c>.
/// </summary>
/// <param name="ScenarioFile">The scenario's file name, for messages.</param>
/// <param name="ScenarioText">The scenario JSON.</param>
/// <param name="OutputDirectory">An absolute path on the driving node's machine (the same path on one machine or a shared file system).</param>
/// <param name="Force">Reuse a non-empty output directory.</param>
/// <param name="MinWorkers">Wait for this many workers before placing the blocks.</param>
public sealed record DriveRun(string ScenarioFile, string ScenarioText, string OutputDirectory, bool Force, int MinWorkers)
{
    /// <summary>Continue the stopped cluster run in <see cref="OutputDirectory"/> (<c>resume --cluster … --detach</c>) instead of
    /// starting a new one: its run.json gives the scenario and run id; the node resumes it from its newest checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>The blocks stay where they were placed (<c>run --keep-placement</c>): no moves on join, no load balancing.</summary>
    public bool KeepPlacement { get; init; }

    /// <summary>The run's <c>balance_threshold</c> as the submitting side chose it (<c>--balance-threshold</c>, or its config's); null:
    /// the driving node's config.</summary>
    public double? BalanceThreshold { get; init; }
}

/// <summary>Asks a node what it knows of a driven run; with <paramref name="Stop"/> the driving node also stops it at its next step
/// (with a checkpoint when it writes them: <c>actorsim resume &lt;dir&gt; --cluster</c> continues it). Answered with a <see cref="DrivenRunStatus"/>.</summary>
public sealed record DriveQuery(string RunId, bool Stop = false);

/// <summary>
/// What a node knows of a driven run. The driving node tells every coordinator-role node when the run starts, when
/// another node takes it over and when it ends, so that any of them can answer <c>actorsim attach</c> and take the
/// run over if the driving node is lost; the driving node alone knows the latest progress.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="DriverNode">The node that drives it (empty when unknown).</param>
/// <param name="OutputDirectory">Where its outputs are written, on the driving node's machine.</param>
/// <param name="ScenarioFile">The scenario's file name.</param>
/// <param name="State"><c>running</c>, <c>completed</c>, <c>cancelled</c>, <c>failed</c>, <c>refused</c> or <c>unknown</c>.</param>
public sealed record DrivenRunStatus(string RunId, string DriverNode, string OutputDirectory, string ScenarioFile, string State)
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
    public const string Refused = "refused";
    public const string Unknown = "unknown";

    /// <summary>The run's simulated time reached, and its end.</summary>
    public double T { get; init; }

    public double End { get; init; }

    /// <summary>Accepted steps so far.</summary>
    public long Steps { get; init; }

    /// <summary>The run's current epoch.</summary>
    public int Epoch { get; init; }

    /// <summary>The node of the run's coordinator (this epoch).</summary>
    public string CoordinatorNode { get; init; } = "";

    /// <summary>The node of each block (this epoch).</summary>
    public IReadOnlyList<string> Placement { get; init; } = [];

    /// <summary>Why the run failed or was refused.</summary>
    public string Error { get; init; } = "";

    /// <summary>The run's run.json once it ended (empty before).</summary>
    public string RunJson { get; init; } = "";

    /// <summary>How many times another node took the run over after its driving node was lost.</summary>
    public int TakeOvers { get; init; }

    /// <summary>Whether the run is still going (or being taken over).</summary>
    public bool IsRunning => State == Running;
}

/// <summary>
/// Asks a node for a piece of a driven run's output directory (<c>actorsim attach --out</c> copies the outputs from the
/// machine they were written on): with an empty <paramref name="Path"/> the list of its files, else up to
/// <see cref="OutputChunk.MaxBytes"/> bytes of that file (a path relative to the output directory) from
/// <paramref name="Offset"/>. Answered with an <see cref="OutputChunk"/>.
/// </summary>
public sealed record FetchOutput(string RunId, string Path, long Offset);

/// <summary>A piece of a driven run's output file, or the list of its files (relative paths with '/'), or why not (<paramref name="Error"/>).</summary>
/// <param name="Length">The whole file's length.</param>
public sealed record OutputChunk(string RunId, string Path, long Offset, long Length, byte[] Bytes, IReadOnlyList<string> Files, string Error)
{
    /// <summary>The most bytes one chunk carries.</summary>
    public const int MaxBytes = 1 << 20;
}

/// <summary>The wire contracts of driven runs (ids 155–157, 168–169).</summary>
public static class DriveWire
{
    public const int DriveRunId = 155;
    public const int DrivenRunStatusId = 156;
    public const int DriveQueryId = 157;
    public const int FetchOutputId = 168;
    public const int OutputChunkId = 169;

    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<DriveRun>(DriveRunId, 1, static (m, w) =>
        {
            w.WriteString(1, m.ScenarioFile);
            w.WriteString(2, m.ScenarioText);
            w.WriteString(3, m.OutputDirectory);
            w.WriteBool(4, m.Force);
            w.WriteInt32(5, m.MinWorkers);
            w.WriteBool(6, m.Resume);
            w.WriteBool(7, m.KeepPlacement);
            if (m.BalanceThreshold is { } threshold) w.WriteDouble(8, threshold);
        }, static (ref WireReader r, int _) =>
        {
            string file = "", text = "", dir = "";
            bool force = false, resume = false, keep = false;
            int min = 1;
            double? threshold = null;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: file = r.ReadString(); break;
                    case 2: text = r.ReadString(); break;
                    case 3: dir = r.ReadString(); break;
                    case 4: force = r.ReadBool(); break;
                    case 5: min = r.ReadInt32(); break;
                    case 6: resume = r.ReadBool(); break;
                    case 7: keep = r.ReadBool(); break;
                    case 8: threshold = r.ReadDouble(); break;
                    default: r.SkipField(); break;
                }
            }
            return new DriveRun(file, text, dir, force, min) { Resume = resume, KeepPlacement = keep, BalanceThreshold = threshold };
        });
        registry.Register<DriveQuery>(DriveQueryId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteBool(2, m.Stop);
        }, static (ref WireReader r, int _) =>
        {
            string run = "";
            bool stop = false;
            while (r.NextField())
            {
                if (r.Field == 1) run = r.ReadString();
                else if (r.Field == 2) stop = r.ReadBool();
                else r.SkipField();
            }
            return new DriveQuery(run, stop);
        });
        registry.Register<FetchOutput>(FetchOutputId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Path);
            w.WriteInt64(3, m.Offset);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", path = "";
            long offset = 0;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: path = r.ReadString(); break;
                    case 3: offset = r.ReadInt64(); break;
                    default: r.SkipField(); break;
                }
            }
            return new FetchOutput(run, path, offset);
        });
        registry.Register<OutputChunk>(OutputChunkId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Path);
            w.WriteInt64(3, m.Offset);
            w.WriteInt64(4, m.Length);
            w.WriteBytes(5, m.Bytes);
            foreach (var file in m.Files) w.WriteString(6, file);
            w.WriteString(7, m.Error);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", path = "", error = "";
            long offset = 0, length = 0;
            byte[] bytes = [];
            var files = new List<string>();
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: path = r.ReadString(); break;
                    case 3: offset = r.ReadInt64(); break;
                    case 4: length = r.ReadInt64(); break;
                    case 5: bytes = r.ReadBytes(); break;
                    case 6: files.Add(r.ReadString()); break;
                    case 7: error = r.ReadString(); break;
                    default: r.SkipField(); break;
                }
            }
            return new OutputChunk(run, path, offset, length, bytes, files, error);
        });
        registry.Register<DrivenRunStatus>(DrivenRunStatusId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.DriverNode);
            w.WriteString(3, m.OutputDirectory);
            w.WriteString(4, m.ScenarioFile);
            w.WriteString(5, m.State);
            w.WriteDouble(6, m.T);
            w.WriteDouble(7, m.End);
            w.WriteInt64(8, m.Steps);
            w.WriteInt32(9, m.Epoch);
            w.WriteString(10, m.CoordinatorNode);
            foreach (var node in m.Placement) w.WriteString(11, node);
            w.WriteString(12, m.Error);
            w.WriteString(13, m.RunJson);
            w.WriteInt32(14, m.TakeOvers);
        }, DecodeInfo);
    }

    private static DrivenRunStatus DecodeInfo(ref WireReader r, int version)
    {
        string run = "", driver = "", dir = "", file = "", state = "", coordinator = "", error = "", json = "";
        double t = 0, end = 0;
        long steps = 0;
        int epoch = 0, takeOvers = 0;
        var placement = new List<string>();
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: driver = r.ReadString(); break;
                case 3: dir = r.ReadString(); break;
                case 4: file = r.ReadString(); break;
                case 5: state = r.ReadString(); break;
                case 6: t = r.ReadDouble(); break;
                case 7: end = r.ReadDouble(); break;
                case 8: steps = r.ReadInt64(); break;
                case 9: epoch = r.ReadInt32(); break;
                case 10: coordinator = r.ReadString(); break;
                case 11: placement.Add(r.ReadString()); break;
                case 12: error = r.ReadString(); break;
                case 13: json = r.ReadString(); break;
                case 14: takeOvers = r.ReadInt32(); break;
                default: r.SkipField(); break;
            }
        }
        return new DrivenRunStatus(run, driver, dir, file, state)
        {
            T = t, End = end, Steps = steps, Epoch = epoch, CoordinatorNode = coordinator, Placement = placement, Error = error, RunJson = json,
            TakeOvers = takeOvers,
        };
    }
}
