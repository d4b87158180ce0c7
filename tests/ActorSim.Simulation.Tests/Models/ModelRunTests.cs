using ActorSim.Simulation.Runtime;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>Base of the model run tests: a scratch directory per test class instance (deleted afterwards) and small helpers.</summary>
public abstract class ModelRunTests(string prefix) : IDisposable
{
    /// <summary>The scratch directory of this test.</summary>
    protected string ScratchDirectory { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        Directory.Delete(ScratchDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A path in the scratch directory.</summary>
    protected string Dir(string name) => Path.Combine(ScratchDirectory, name);

    /// <summary>A number of the run's analysis block.</summary>
    protected static double A(RunResult r, string key) => (double)r.Analysis[key]!;
}
