using ActorSim.Actors.Remote.Wire;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// Wire contracts (ids 120–139) of the run-level messages: start/stop, output rows and fields for the
/// output writer (which lives where the run was submitted), progress and the final answer.
/// </summary>
public static class RuntimeWire
{
    /// <summary>The contract ids.</summary>
    public static class Ids
    {
        public const int StartRun = 120;
        public const int StopRun = 121;
        public const int OutputRow = 122;
        public const int WriteField = 123;
        public const int CloseOutput = 124;
        public const int OutputClosed = 125;
        public const int RunProgress = 126;
        public const int RunCompleted = 127;
    }

    /// <summary>Registers the run-level contracts.</summary>
    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<StartRun>(Ids.StartRun, 1, static (_, _) => { }, static (ref WireReader r, int _) => { SkipAll(ref r); return new StartRun(); });
        registry.Register<StopRun>(Ids.StopRun, 1, static (m, w) => w.WriteString(1, m.Reason), DecodeStopRun);
        registry.Register<OutputRow>(Ids.OutputRow, 1, static (m, w) =>
        {
            w.WriteDouble(1, m.T);
            w.WriteDoubles(2, m.Values);
        }, DecodeOutputRow);
        registry.Register<WriteField>(Ids.WriteField, 1, static (m, w) =>
        {
            w.WriteInt32(1, m.Index);
            w.WriteString(2, m.Field.Name);
            w.WriteDoubles(3, m.Field.Values);
            w.WriteInt32s(4, m.Field.Shape);
        }, DecodeWriteField);
        registry.Register<CloseOutput>(Ids.CloseOutput, 1, static (_, _) => { }, static (ref WireReader r, int _) => { SkipAll(ref r); return new CloseOutput(); });
        registry.Register<OutputClosed>(Ids.OutputClosed, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Rows);
            w.WriteString(2, m.Sha256);
        }, DecodeOutputClosed);
        registry.Register<RunProgress>(Ids.RunProgress, 1, static (m, w) =>
        {
            w.WriteDouble(1, m.T);
            w.WriteDouble(2, m.End);
            w.WriteInt64(3, m.Steps);
        }, DecodeRunProgress);
        registry.Register<RunCompleted>(Ids.RunCompleted, 1, EncodeRunCompleted, DecodeRunCompleted);
    }

    private static void SkipAll(ref WireReader r)
    {
        while (r.NextField()) r.SkipField();
    }

    private static StopRun DecodeStopRun(ref WireReader r, int version)
    {
        string reason = "";
        while (r.NextField())
        {
            if (r.Field == 1) reason = r.ReadString();
            else r.SkipField();
        }
        return new StopRun(reason);
    }

    private static OutputRow DecodeOutputRow(ref WireReader r, int version)
    {
        double t = 0;
        double[] values = [];
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: t = r.ReadDouble(); break;
                case 2: values = r.ReadDoubles(); break;
                default: r.SkipField(); break;
            }
        }
        return new OutputRow(t, values);
    }

    private static WriteField DecodeWriteField(ref WireReader r, int version)
    {
        int index = 0;
        string name = "";
        double[] values = [];
        int[] shape = [];
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: index = r.ReadInt32(); break;
                case 2: name = r.ReadString(); break;
                case 3: values = r.ReadDoubles(); break;
                case 4: shape = r.ReadInt32s(); break;
                default: r.SkipField(); break;
            }
        }
        if (name.Length == 0) throw new WireFormatException("WriteField without a field name.");
        return new WriteField(index, new FieldSnapshot(name, values, shape));
    }

    private static OutputClosed DecodeOutputClosed(ref WireReader r, int version)
    {
        long rows = 0;
        string sha = "";
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: rows = r.ReadInt64(); break;
                case 2: sha = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        return new OutputClosed(rows, sha);
    }

    private static RunProgress DecodeRunProgress(ref WireReader r, int version)
    {
        double t = 0, end = 0;
        long steps = 0;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: t = r.ReadDouble(); break;
                case 2: end = r.ReadDouble(); break;
                case 3: steps = r.ReadInt64(); break;
                default: r.SkipField(); break;
            }
        }
        return new RunProgress(t, end, steps);
    }

    private static void EncodeRunCompleted(RunCompleted m, WireWriter w)
    {
        w.WriteInt32(1, (int)m.Status);
        if (m.Reason is not null) w.WriteString(2, m.Reason);
        w.WriteDouble(3, m.T);
        w.WriteDoubles(4, m.FinalState);
        w.WriteInt64(5, m.Counters.Accepted);
        w.WriteInt64(6, m.Counters.Rejected);
        w.WriteInt64(7, m.Counters.RhsEvaluations);
        w.WriteInt64(8, m.Rows);
        w.WriteString(9, m.ResultsSha256);
        if (m.AnalysisJson is not null) w.WriteString(10, m.AnalysisJson);
    }

    private static RunCompleted DecodeRunCompleted(ref WireReader r, int version)
    {
        int status = 0;
        string? reason = null;
        double t = 0;
        double[] state = [];
        long accepted = 0, rejected = 0, rhs = 0, rows = 0;
        string sha = "";
        string? analysis = null;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: status = r.ReadInt32(); break;
                case 2: reason = r.ReadString(); break;
                case 3: t = r.ReadDouble(); break;
                case 4: state = r.ReadDoubles(); break;
                case 5: accepted = r.ReadInt64(); break;
                case 6: rejected = r.ReadInt64(); break;
                case 7: rhs = r.ReadInt64(); break;
                case 8: rows = r.ReadInt64(); break;
                case 9: sha = r.ReadString(); break;
                case 10: analysis = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        if (!Enum.IsDefined((RunStatus)status)) throw new WireFormatException($"RunCompleted: unknown run status {status}.");
        return new RunCompleted((RunStatus)status, reason, t, state, new StepCounters(accepted, rejected, rhs), rows, sha) { AnalysisJson = analysis };
    }
}
