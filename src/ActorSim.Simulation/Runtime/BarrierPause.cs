namespace ActorSim.Simulation.Runtime;

// Live block moves (cluster runs of particle models): the run actor asks the coordinator, its child on the same node, to
// hold at its next step barrier, moves the blocks' states while it holds, and hands it the new block set. Local messages
// (never sent between nodes).

/// <summary>Run actor to its coordinator: stop before the next step (no round open) and answer <see cref="PausedAtBarrier"/>.</summary>
public sealed record PauseAtBarrier;

/// <summary>Coordinator to the run actor: no round is open; the blocks hold the state after step <paramref name="Step"/>
/// (t = <paramref name="T"/>) and nothing is sent to them until <see cref="ResumeWithBlocks"/>.</summary>
public sealed record PausedAtBarrier(long Step, double T);

/// <summary>Run actor to its paused coordinator: go on with <paramref name="Blocks"/> (the same block indices, some of them
/// now other actors holding the same states).</summary>
public sealed record ResumeWithBlocks(BlockSet Blocks);
