namespace ActorSim.Numerics.Muscle;

/// <summary>Contiguous split of N particles into B blocks: the first N mod B blocks hold one extra particle.</summary>
public static class BlockPartition
{
    /// <summary>(start, count) of block <paramref name="block"/>.</summary>
    public static (int Start, int Count) Range(int particleCount, int blockCount, int block)
    {
        if (blockCount < 1) throw new ArgumentOutOfRangeException(nameof(blockCount));
        if ((uint)block >= (uint)blockCount) throw new ArgumentOutOfRangeException(nameof(block));
        int q = particleCount / blockCount, r = particleCount % blockCount;
        int start = block * q + Math.Min(block, r);
        return (start, q + (block < r ? 1 : 0));
    }
}
