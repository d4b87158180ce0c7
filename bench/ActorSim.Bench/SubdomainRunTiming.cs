using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Bench;

/// <summary>
/// Runs a scenario of a subdomain model on the real actors (<see cref="LocalRunner"/>, outputs to a temporary
/// directory) and times its steps from the coordinator's side: step k lies between the k-th and (k+1)-th bound
/// reduction (each reduction follows the step's last stage and the next bounds exchange), so output writing is
/// not included. Step 0 is left out as warm-up (first touch of the blocks' arrays).
/// </summary>
public static class SubdomainRunTiming
{
    /// <summary>The orders of steps 1.. and their wall times, and the run's results_sha256.</summary>
    public static (List<(StepOrder Order, double Seconds)> Steps, string Sha256) Run(Scenario scenario, ISubdomainModel model)
    {
        var timed = new TimedModel(model);
        string dir = Directory.CreateTempSubdirectory("actorsim-bench-").FullName;
        try
        {
            var r = LocalRunner.RunModelAsync(scenario, timed, new RunOptions(dir)).GetAwaiter().GetResult();
            if (r.Status != RunStatus.Completed) throw new InvalidOperationException($"run {r.Status}: {r.Reason}");
            var steps = new List<(StepOrder, double)>();
            for (int k = 1; k < timed.Orders.Count; k++)
                steps.Add((timed.Orders[k], timed.Reductions[k + 1] - timed.Reductions[k]));
            return (steps, r.ResultsSha256);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A file of the repository (e.g. a shipped scenario), looked up above the working directory and the program.</summary>
    public static string FindRepoFile(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string p = Path.Combine(d.FullName, relative);
                if (File.Exists(p)) return p;
            }
        throw new FileNotFoundException($"{relative} not found above the working directory or the program");
    }

    /// <summary>The model as it is, recording when the coordinator reduces the bounds and what it orders.</summary>
    private sealed class TimedModel(ISubdomainModel inner) : ISubdomainModel
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        public List<double> Reductions { get; } = [];
        public List<StepOrder> Orders { get; } = [];
        public IReadOnlyList<string> Columns => inner.Columns;
        public JsonObject Analysis() => inner.Analysis();
        public int BlockCount => inner.BlockCount;
        public ISubdomainKernel CreateKernel(int block) => inner.CreateKernel(block);
        public ISubdomainKernel CreateKernelForRestore(int block, bool distributed) => inner.CreateKernelForRestore(block, distributed);
        public IReadOnlyList<HaloLink> Links(int block) => inner.Links(block);

        public double[] ReduceBounds(IReadOnlyList<double[]> bounds)
        {
            Reductions.Add(_clock.Elapsed.TotalSeconds);
            return inner.ReduceBounds(bounds);
        }

        public StepOrder Plan(long step, double t, double tEnd, double[] globalBounds)
        {
            var order = inner.Plan(step, t, tEnd, globalBounds);
            Orders.Add(order);
            return order;
        }

        public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row) => inner.Assemble(t, snapshots, row);
    }
}
