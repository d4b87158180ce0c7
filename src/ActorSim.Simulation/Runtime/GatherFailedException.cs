using ActorSim.Actors.Trees;

namespace ActorSim.Simulation.Runtime;

/// <summary>The coordinator's error when a round's replies did not all come back over the tree: the run actor of a cluster
/// run counts it as an interruption (a recoverable failure: the run continues from its last checkpoint).</summary>
public sealed class GatherFailedException(GatherFailed failed)
    : InvalidOperationException($"the blocks' replies to round {failed.Round} did not all arrive: {failed.Reason}")
{
    /// <summary>The tree's report.</summary>
    public GatherFailed Failed { get; } = failed;
}
