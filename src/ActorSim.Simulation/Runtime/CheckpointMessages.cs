namespace ActorSim.Simulation.Runtime;

// The coordinated-checkpoint protocol, shared by the three coordinators (ODE, subdomain, particle-block):
// at a step barrier the coordinator sends SaveBlockState to every block; each block writes its own file into
// the checkpoint folder (atomically, with its SHA-256) and answers BlockStateSaved; the coordinator then asks
// the output writer to flush (FlushOutput → OutputFlushed), and only then writes the manifest, so a complete
// checkpoint is never ahead of the outputs on disk. On resume each block gets RestoreBlock and reads, verifies
// and loads its own file: large state never travels through messages (in a cluster every block reads the
// shared checkpoint directory).

/// <summary>Coordinator to blocks (at a step barrier): write your state into the checkpoint folder <paramref name="Folder"/>.</summary>
public sealed record SaveBlockState(long Step, string Folder)
{
    /// <summary>
    /// Node-local checkpoints of a cluster run (set by the node's block host, never sent between nodes): the node actor of
    /// the block's buddy node, which keeps a copy of the state in memory and answers the coordinator in the block's place
    /// (<see cref="Cluster.BuddyCopy"/>). Null: the block answers the coordinator itself.
    /// </summary>
    public Akka.Actor.IActorRef? Buddy { get; init; }

    /// <summary>With <see cref="Buddy"/>: the run id and the run's checkpoint directory as submitted (relative: under each node's checkpoint_dir).</summary>
    public string RunId { get; init; } = "";

    /// <inheritdoc cref="RunId"/>
    public string Directory { get; init; } = "";
}

/// <summary>Block to coordinator: the state of <paramref name="Block"/> for step <paramref name="Step"/> is on disk as <paramref name="File"/>.</summary>
public sealed record BlockStateSaved(long Step, int Block, CheckpointBlockFile File);

/// <summary>Coordinator to block (resume, before the first step): read <paramref name="File"/> in <paramref name="Folder"/>, verify its length and SHA-256, and load it.</summary>
public sealed record RestoreBlock(string Folder, CheckpointBlockFile File);

/// <summary>Coordinator to output writer: flush the time series and the field files written so far to disk, then answer <see cref="OutputFlushed"/>.</summary>
public sealed record FlushOutput;

/// <summary>Output writer to coordinator: everything up to <paramref name="Rows"/> time-series rows is on disk.</summary>
public sealed record OutputFlushed(long Rows);

/// <summary>
/// Optional capability of a block's kernel (subdomain or particle block): its owned state (everything the next
/// steps depend on, halos excluded) as a flat array, for coordinated checkpoints. Saved and loaded only at step
/// barriers; after <see cref="LoadState"/> a subdomain kernel's halos are exchanged again before the next step.
/// The length may change from step to step (e.g. a varying number of particles): the file length is in the manifest.
/// </summary>
public interface ICheckpointableKernel
{
    /// <summary>Length of the state written by <see cref="SaveState"/>.</summary>
    int StateLength { get; }

    /// <summary>Copies the owned state into <paramref name="state"/> (length <see cref="StateLength"/>).</summary>
    void SaveState(Span<double> state);

    /// <summary>Restores a state written by <see cref="SaveState"/>.</summary>
    void LoadState(ReadOnlySpan<double> state);
}

/// <summary>
/// Optional capability of a model's coordinator side: the state the coordinator owns besides t and the step
/// counter (the macroscopic state, the integrator's controller memory, reference solutions run alongside,
/// running diagnostics), saved in the checkpoint's manifest and restored bit for bit. A model without it has
/// no coordinator state (its planning depends on t and the blocks' bounds only).
/// </summary>
public interface ICheckpointableModel
{
    /// <summary>The coordinator state at a step barrier.</summary>
    double[] SaveCoordinatorState();

    /// <summary>Restores a state written by <see cref="SaveCoordinatorState"/> (before the first step of a resumed run).</summary>
    void LoadCoordinatorState(ReadOnlySpan<double> state);
}

/// <summary>What a block actor does with the checkpoint messages, for any kernel.</summary>
public static class BlockCheckpoints
{
    /// <summary>The kernel as <see cref="ICheckpointableKernel"/>, or a clear error naming the block and the kernel.</summary>
    public static ICheckpointableKernel Capability(object kernel, int block) => kernel as ICheckpointableKernel
        ?? throw new NotSupportedException($"block {block}: this model's kernel ({kernel.GetType().Name}) cannot save or load its state, so the run cannot be checkpointed");

    /// <summary>Writes the kernel's state into the checkpoint folder; returns the answer for the coordinator.</summary>
    public static BlockStateSaved Save(object kernel, int block, SaveBlockState save)
    {
        var k = Capability(kernel, block);
        var state = new double[k.StateLength];
        k.SaveState(state);
        return new BlockStateSaved(save.Step, block, CheckpointStore.WriteBlock(save.Folder, block, state));
    }

    /// <summary>
    /// Writes the kernel's state into the checkpoint folder and reports it: to <paramref name="coordinator"/>, or, with a
    /// buddy (<see cref="SaveBlockState.Buddy"/>), to the buddy with the state, which answers the coordinator once it holds the copy.
    /// </summary>
    public static void SaveAndReport(object kernel, int block, SaveBlockState save, Akka.Actor.IActorRef coordinator, Akka.Actor.IActorRef self)
    {
        var k = Capability(kernel, block);
        var state = new double[k.StateLength];
        k.SaveState(state);
        var file = CheckpointStore.WriteBlock(save.Folder, block, state);
        if (save.Buddy is { } buddy) buddy.Tell(new Cluster.BuddyCopy(save.RunId, save.Directory, save.Step, file, state, coordinator), self);
        else coordinator.Tell(new BlockStateSaved(save.Step, block, file), self);
    }

    /// <summary>
    /// Loads a state sent by the node holding it (node-local cluster checkpoints) and answers <see cref="Cluster.BlockRestored"/>
    /// (with the error, if the state does not fit this block) to the run actor waiting for it. Returns whether it was loaded.
    /// </summary>
    public static bool Restore(object kernel, int block, Cluster.RestoreBlockState restore, Akka.Actor.IActorRef self)
    {
        string error = "";
        try
        {
            if (restore.File.Block != block) throw new CheckpointException($"block {block} was sent the state of block {restore.File.Block}");
            if ((long)restore.State.Length * sizeof(double) != restore.File.Length)
                throw new CheckpointException($"block {block}: the state sent has {restore.State.Length * (long)sizeof(double)} bytes, the manifest says {restore.File.Length}");
            Capability(kernel, block).LoadState(restore.State);
        }
        catch (Exception e) when (e is CheckpointException or ArgumentException or NotSupportedException)
        {
            error = e.Message;
        }
        restore.ReplyTo.Tell(new Cluster.BlockRestored(block, restore.Step, error) { Bytes = error.Length == 0 ? restore.File.Length : 0 }, self);
        return error.Length == 0;
    }

    /// <summary>The file name and checksum of the entry a state moved live travels with (it has neither).</summary>
    public const string LiveMoveEntry = "(moved live)";

    /// <summary>
    /// A live block move: sends the kernel's state straight to the block's new actor (<see cref="Cluster.HandBlockOver.Target"/>),
    /// which loads it and answers the run actor; returns the state's size in bytes. No file is written.
    /// </summary>
    public static long HandOver(object kernel, int block, Cluster.HandBlockOver handOver, Akka.Actor.IActorRef self)
    {
        if (handOver.Block != block) throw new InvalidOperationException($"block {block} was asked to hand over block {handOver.Block}");
        var k = Capability(kernel, block);
        var state = GC.AllocateUninitializedArray<double>(k.StateLength); // every element is written by SaveState
        k.SaveState(state);
        long bytes = (long)state.Length * sizeof(double);
        // No file and no checksum (the state goes in one authenticated frame); the entry carries the block and the length.
        var entry = new CheckpointBlockFile(block, LiveMoveEntry, bytes, LiveMoveEntry);
        handOver.Target.Tell(new Cluster.RestoreBlockState(handOver.Step, entry, state, handOver.ReplyTo), self);
        return bytes;
    }

    /// <summary>
    /// The error of a block whose kernel was built to be restored (no initial state) and was asked to compute or save
    /// before a checkpoint's state was loaded into it.
    /// </summary>
    public static InvalidOperationException NotRestored(int block, object message) => new(
        $"block {block} was built to be restored from a checkpoint, but got {message.GetType().Name} before its state was loaded " +
        "(the restore message must reach a block before anything else)");

    /// <summary>Reads, verifies and loads the kernel's state.</summary>
    public static void Restore(object kernel, int block, RestoreBlock restore)
    {
        if (restore.File.Block != block) throw new CheckpointException($"block {block} was sent the checkpoint file of block {restore.File.Block}");
        Capability(kernel, block).LoadState(CheckpointStore.ReadBlock(restore.Folder, restore.File));
    }
}
