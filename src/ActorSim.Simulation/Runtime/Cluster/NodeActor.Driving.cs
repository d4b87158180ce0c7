using Akka.Actor;
using ActorSim.Actors.Remote;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The driving side of the node actor: runs handed to the cluster (<see cref="DriveRun"/>, <c>run --detach</c>) are driven
/// in this node's process by <see cref="RunDriving"/>; every coordinator-role node keeps what it was told of each driven
/// run (<see cref="DrivenRunStatus"/>), answers <see cref="DriveQuery"/> (<c>actorsim attach</c>), and the leader takes a run over
/// when the node that drove it is lost (it continues from the run's output directory and newest checkpoint, next epoch).
/// </summary>
public sealed partial class NodeActor
{
    private readonly Dictionary<string, DrivenRunStatus> _drives = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (CancellationTokenSource Stop, IActorRef? Requester)> _driving = new(StringComparer.Ordinal);

    private readonly HashSet<string> _drivesHandingOver = new(StringComparer.Ordinal);
    private int _drivesHandedOver;

    /// <summary>How often, and how many times, a node checks whether it should take over a run whose driving node was lost.</summary>
    private static readonly TimeSpan TakeOverCheckInterval = TimeSpan.FromSeconds(1);
    private const int TakeOverChecks = 120;

    /// <summary>How many ended runs a node remembers (for <c>attach</c> after the end); older ones are forgotten.</summary>
    private const int EndedRunsKept = 100;

    /// <summary>The members that are clients (submitters, status and attach clients, run drivers), not simulation nodes.</summary>
    public static bool IsClientMember(string nodeId) =>
        nodeId.StartsWith("submit-", StringComparison.Ordinal) || nodeId.StartsWith("status-", StringComparison.Ordinal) || nodeId.StartsWith("drive-", StringComparison.Ordinal);

    private sealed record DriverAccepted(string RunId, RunAccepted Accepted);

    private sealed record DriverProgress(string RunId, RunProgress Progress);

    private sealed record DriverEnded(string RunId, string State, string Error, string RunJson);

    private sealed record TakeOverCheck(string RunId, string LostNode, int Attempt);

    private void OnDriveRun(DriveRun drive)
    {
        if (_runDriving is null || !_info.Roles.Contains(NodeRoles.Coordinator))
        {
            Refuse(drive, $"node '{_info.NodeId}' cannot drive runs (a node with the coordinator role, started with 'actorsim node', can)");
            return;
        }
        if (!System.IO.Path.IsPathRooted(drive.OutputDirectory))
        {
            Refuse(drive, $"the output directory of a run driven by the cluster must be an absolute path, not '{drive.OutputDirectory}'");
            return;
        }
        if (drive.Resume)
        {
            ResumeDriven(drive);
            return;
        }
        Scenarios.Scenario scenario;
        try
        {
            (scenario, _) = Build(drive.ScenarioFile, drive.ScenarioText);
        }
        catch (InvalidOperationException e)
        {
            Refuse(drive, e.Message);
            return;
        }
        string runId = LocalRunner.NewRunId();
        Log.LogInformation("Node '{Node}': driving run {Run} ({File}), outputs to {Directory}", _info.NodeId, runId, drive.ScenarioFile, drive.OutputDirectory);
        Drive(new DrivenRunStatus(runId, _info.NodeId, drive.OutputDirectory, drive.ScenarioFile, DrivenRunStatus.Running) { End = scenario.Time.End }, Sender,
            (accepted, progress, stop) => _runDriving.StartAsync(runId, scenario, drive, accepted, progress, stop));
    }

    /// <summary>
    /// Drives a run here: starts it (<paramref name="start"/>, given this actor's callbacks and a stop token), remembers it, and
    /// watches its end. <paramref name="requester"/> is answered once its blocks are placed (null: nobody waits).
    /// </summary>
    private void Drive(DrivenRunStatus info, IActorRef? requester,
        Func<Action<RunAccepted>, Action<RunProgress>, CancellationToken, Task<RunResult>> start)
    {
        var self = Self;
        string runId = info.RunId;
        var stop = new CancellationTokenSource();
        Task<RunResult> run;
        try
        {
            run = start(a => self.Tell(new DriverAccepted(runId, a)), p => self.Tell(new DriverProgress(runId, p)), stop.Token);
        }
        catch
        {
            stop.Dispose();
            throw;
        }
        _drives[runId] = info;
        _driving[runId] = (stop, requester);
        Watch(runId, run, info.OutputDirectory);
    }

    /// <summary>Why a run cannot be continued here from its output directory (not a resumable run, or unreadable/unwritable).</summary>
    private static bool CannotContinue(Exception e) =>
        e is CheckpointException or Scenarios.ScenarioException or ClusterConfigurationException or IOException or UnauthorizedAccessException;

    /// <summary>Resumes the stopped cluster run in the drive's output directory here (<c>resume --cluster … --detach</c>).</summary>
    private void ResumeDriven(DriveRun drive)
    {
        ClusterResume resume;
        try
        {
            resume = _runDriving!.Read(drive.OutputDirectory);
        }
        catch (Exception e) when (CannotContinue(e))
        {
            Refuse(drive, e.Message);
            return;
        }
        string runId = resume.Options.ResumeRunId!;
        if (_drives.TryGetValue(runId, out var known) && known.IsRunning)
        {
            Refuse(drive, $"run {runId} is still running, driven by node '{known.DriverNode}'; stop it first with 'actorsim attach {runId} --stop'");
            return;
        }
        Log.LogInformation("Node '{Node}': resuming and driving run {Run} from {Directory}", _info.NodeId, runId, drive.OutputDirectory);
        try
        {
            Drive(new DrivenRunStatus(runId, _info.NodeId, drive.OutputDirectory, resume.Scenario.SourceFile, DrivenRunStatus.Running)
                {
                    End = resume.Scenario.Time.End, Epoch = resume.Options.ResumeEpoch,
                },
                Sender, (accepted, progress, stop) => _runDriving.TakeOver(resume, $"resumed by node '{_info.NodeId}' ('actorsim resume --detach')", accepted, progress, stop));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Refuse(drive, $"cannot write in {drive.OutputDirectory}: {e.Message}");
        }
    }

    private void Refuse(DriveRun drive, string why)
    {
        Log.LogWarning("Node '{Node}': refused to drive {File}: {Error}", _info.NodeId, drive.ScenarioFile, why);
        Sender?.Tell(new DrivenRunStatus("", _info.NodeId, drive.OutputDirectory, drive.ScenarioFile, DrivenRunStatus.Refused) { Error = why }, Self);
    }

    /// <summary>Tells this actor how the driver's task ended (its run.json then holds the whole record).</summary>
    private void Watch(string runId, Task<RunResult> run, string outputDirectory)
    {
        var self = Self;
        run.ContinueWith(t =>
        {
            string state = t.IsCompletedSuccessfully ? (t.Result.Status == RunStatus.Completed ? DrivenRunStatus.Completed : DrivenRunStatus.Cancelled) : DrivenRunStatus.Failed;
            var error = t.Exception?.InnerException;
            // A run refused before it started (bad output directory, bad checkpoint) wrote no run.json (one there is another run's).
            bool refused = error is OutputDirectoryException or CheckpointException;
            if (refused) state = DrivenRunStatus.Refused;
            string json = "";
            try
            {
                if (!refused) json = File.ReadAllText(System.IO.Path.Combine(outputDirectory, "run.json"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            self.Tell(new DriverEnded(runId, state, error?.Message ?? "", json));
        }, TaskScheduler.Default);
    }

    private void OnDriverAccepted(DriverAccepted accepted)
    {
        if (!_drives.TryGetValue(accepted.RunId, out var info)) return;
        var a = accepted.Accepted;
        info = info with { State = DrivenRunStatus.Running, DriverNode = _info.NodeId, Epoch = a.Epoch, CoordinatorNode = a.CoordinatorNode, Placement = a.Placement.ToArray() };
        _drives[accepted.RunId] = info;
        if (_driving.TryGetValue(accepted.RunId, out var local) && local.Requester is { } requester)
        {
            requester.Tell(info, Self);
            _driving[accepted.RunId] = (local.Stop, null);
        }
        Broadcast(info);
    }

    private void OnDriverProgress(DriverProgress progress)
    {
        if (_drives.TryGetValue(progress.RunId, out var info))
            _drives[progress.RunId] = info with { T = progress.Progress.T, Steps = progress.Progress.Steps, End = progress.Progress.End };
    }

    private void OnDriverEnded(DriverEnded ended)
    {
        if (!_drives.TryGetValue(ended.RunId, out var info)) return;
        info = info with { State = ended.State, Error = ended.Error, RunJson = ended.RunJson };
        Log.LogInformation("Node '{Node}': driven run {Run} {State}{Error}", _info.NodeId, ended.RunId, ended.State, ended.Error.Length > 0 ? ": " + ended.Error : "");
        if (_drivesHandingOver.Remove(ended.RunId))
        {
            // This node is leaving: the run stopped at a step with a checkpoint; the leader (another node) goes on from there.
            _driving.Remove(ended.RunId, out var leaving);
            leaving.Stop?.Dispose();
            if (ended.State == DrivenRunStatus.Cancelled)
            {
                info = info with { State = DrivenRunStatus.Running, DriverNode = "", Error = $"its driving node '{_info.NodeId}' left and handed it over at a checkpoint" };
                _drives[ended.RunId] = info;
                _drivesHandedOver++;
                Log.LogWarning("Node '{Node}': handing run {Run} over: it stopped with a checkpoint; the leader takes it over", _info.NodeId, ended.RunId);
            }
            else _drives[ended.RunId] = info;
            Broadcast(info);
            MaybeHandedOver();
            return;
        }
        if (_driving.Remove(ended.RunId, out var local))
        {
            local.Stop.Dispose();
            if (local.Requester is { } requester)
            {
                // It ended before its blocks were placed: the submitter hears why, nobody else needs to know.
                requester.Tell(info, Self);
                _drives.Remove(ended.RunId);
                return;
            }
        }
        _drives[ended.RunId] = info;
        ForgetOldRuns();
        Broadcast(info);
    }

    /// <summary>Keeps the newest <see cref="EndedRunsKept"/> ended runs (run ids begin with their UTC start time).</summary>
    private void ForgetOldRuns()
    {
        var ended = _drives.Values.Where(d => !d.IsRunning).Select(d => d.RunId).Order(StringComparer.Ordinal).ToArray();
        foreach (var old in ended.Take(Math.Max(0, ended.Length - EndedRunsKept))) _drives.Remove(old);
    }

    private void OnDriveQuery(DriveQuery query)
    {
        if (!_drives.TryGetValue(query.RunId, out var info))
        {
            Sender?.Tell(new DrivenRunStatus(query.RunId, "", "", "", DrivenRunStatus.Unknown), Self);
            return;
        }
        if (query.Stop && _driving.TryGetValue(query.RunId, out var local))
        {
            Log.LogWarning("Node '{Node}': stopping driven run {Run} on request", _info.NodeId, query.RunId);
            local.Stop.Cancel();
        }
        Sender?.Tell(info, Self);
    }

    /// <summary>News of a run another node drives (it started, was taken over, ended, or was handed over by a leaving node).</summary>
    private void OnDriveNews(DrivenRunStatus news)
    {
        if (news.RunId.Length == 0 || news.DriverNode == _info.NodeId && _driving.ContainsKey(news.RunId)) return;
        // Old news: the run ended in this epoch or a later one (a resumed or taken-over run goes on in a newer epoch).
        if (_drives.TryGetValue(news.RunId, out var known) && !known.IsRunning && news.IsRunning && news.Epoch <= known.Epoch) return;
        _drives[news.RunId] = news;
        if (!news.IsRunning) ForgetOldRuns();
        if (news is { IsRunning: true, DriverNode.Length: 0 }) Timers.StartSingleTimer("take-over-" + news.RunId, new TakeOverCheck(news.RunId, "", 1), TimeSpan.Zero);
    }

    /// <summary>This node is leaving: each run it drives stops at its next step (a checkpoint there) and is then handed over.</summary>
    private void HandOverDrives()
    {
        foreach (var (run, local) in _driving)
        {
            if (local.Requester is not null) continue; // not started yet: it fails when the node leaves, and says so
            _drivesHandingOver.Add(run);
            local.Stop.Cancel();
        }
    }

    /// <summary>Tells every simulation node but this one (clients are skipped).</summary>
    private void Broadcast(DrivenRunStatus info)
    {
        var cluster = Cluster;
        foreach (var member in cluster.Members)
            if (member.NodeId != _info.NodeId && !IsClientMember(member.NodeId))
                cluster.ActorFor(member.NodeId, Path).Tell(info, Self);
    }

    /// <summary>A node joined: it hears of the runs this node drives, so that it can answer attach and take them over too.</summary>
    private void TellNewcomer(string node)
    {
        if (node == _info.NodeId || IsClientMember(node)) return;
        foreach (var info in _drives.Values.Where(d => d.IsRunning && d.DriverNode == _info.NodeId))
            Cluster.ActorFor(node, Path).Tell(info, Self);
    }

    /// <summary>A node was lost: the runs it drove are taken over by whichever node leads once the cluster settled.</summary>
    private void DrivingNodeLost(string node)
    {
        foreach (var info in _drives.Values.Where(d => d.IsRunning && d.DriverNode == node).ToArray())
        {
            Log.LogWarning("Node '{Node}': the node '{Lost}' driving run {Run} was lost; the leader takes the run over", _info.NodeId, node, info.RunId);
            Timers.StartSingleTimer("take-over-" + info.RunId, new TakeOverCheck(info.RunId, node, 1), TakeOverCheckInterval);
        }
    }

    private void OnTakeOverCheck(TakeOverCheck check)
    {
        if (_runDriving is null || !_drives.TryGetValue(check.RunId, out var info) || !info.IsRunning || info.DriverNode != check.LostNode) return;
        var cluster = Cluster;
        if (!cluster.IsLeader)
        {
            // The leader (maybe not chosen yet) takes it over; check again in case leadership comes here.
            if (check.Attempt < TakeOverChecks)
                Timers.StartSingleTimer("take-over-" + check.RunId, check with { Attempt = check.Attempt + 1 }, TakeOverCheckInterval);
            return;
        }
        string why = check.LostNode.Length > 0 ? $"its driving node '{check.LostNode}' was lost" : info.Error;
        try
        {
            var resume = _runDriving.Read(info.OutputDirectory);
            Drive(info with { DriverNode = _info.NodeId, TakeOvers = info.TakeOvers + 1, Error = "", End = resume.Scenario.Time.End }, null,
                (accepted, progress, stop) => _runDriving.TakeOver(resume, $"taken over by node '{_info.NodeId}': {why}", accepted, progress, stop));
            Log.LogWarning("Node '{Node}': taking over run {Run} ({Why}): continuing from {Directory}", _info.NodeId, info.RunId, why, info.OutputDirectory);
            Broadcast(_drives[info.RunId]);
        }
        catch (Exception e) when (CannotContinue(e))
        {
            info = info with { State = DrivenRunStatus.Failed, Error = $"{why} and node '{_info.NodeId}' cannot continue it: {e.Message}" };
            _drives[info.RunId] = info;
            Log.LogError("Node '{Node}': run {Run}: {Error}", _info.NodeId, info.RunId, info.Error);
            Broadcast(info);
        }
    }

    /// <summary>Serves a piece of a driven run's output directory (only files inside it; the outputs, not the checkpoints).</summary>
    private void OnFetchOutput(FetchOutput fetch)
    {
        OutputChunk Answer(string error = "", long length = 0, byte[]? bytes = null, IReadOnlyList<string>? files = null) =>
            new(fetch.RunId, fetch.Path, fetch.Offset, length, bytes ?? [], files ?? [], error);
        if (!_drives.TryGetValue(fetch.RunId, out var info) || info.OutputDirectory.Length == 0)
        {
            Sender?.Tell(Answer($"node '{_info.NodeId}' does not know run {fetch.RunId}"), Self);
            return;
        }
        try
        {
            string root = System.IO.Path.GetFullPath(info.OutputDirectory);
            if (fetch.Path.Length == 0)
            {
                var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                    .Select(f => System.IO.Path.GetRelativePath(root, f).Replace(System.IO.Path.DirectorySeparatorChar, '/'))
                    .Where(f => !f.StartsWith("checkpoints/", StringComparison.Ordinal) && !f.EndsWith(".tmp", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal).ToArray();
                Sender?.Tell(Answer(files: files), Self);
                return;
            }
            string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, fetch.Path));
            if (!full.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) || fetch.Offset < 0)
            {
                Sender?.Tell(Answer($"'{fetch.Path}' is not a file of run {fetch.RunId}'s outputs"), Self);
                return;
            }
            using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long length = file.Length;
            var bytes = new byte[(int)Math.Clamp(length - fetch.Offset, 0, OutputChunk.MaxBytes)];
            file.Position = fetch.Offset;
            file.ReadExactly(bytes);
            Sender?.Tell(Answer(length: length, bytes: bytes), Self);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Sender?.Tell(Answer($"node '{_info.NodeId}' cannot read {info.OutputDirectory}/{fetch.Path}: {e.Message}"), Self);
        }
    }
}
