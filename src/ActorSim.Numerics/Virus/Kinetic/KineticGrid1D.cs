namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// A uniform 1D grid of <see cref="CellCount"/> cells on [0, <see cref="Length"/>]: cell i is
/// [i Δx, (i+1) Δx], interface j sits at x = j Δx (j = 0..N). Length in units of the scenario.
/// </summary>
public sealed record KineticGrid1D
{
    /// <summary>Creates the grid; <paramref name="length"/> &gt; 0 and at least one cell.</summary>
    public KineticGrid1D(double length, int cellCount, KineticBoundary boundary)
    {
        if (!(length > 0)) throw new ArgumentOutOfRangeException(nameof(length), length, "length must be positive");
        if (cellCount < 1) throw new ArgumentOutOfRangeException(nameof(cellCount), cellCount, "need at least one cell");
        Length = length; CellCount = cellCount; Boundary = boundary;
    }

    /// <summary>Domain length L.</summary>
    public double Length { get; }

    /// <summary>Number of cells N.</summary>
    public int CellCount { get; }

    /// <summary>Boundary condition at x = 0 and x = L.</summary>
    public KineticBoundary Boundary { get; }

    /// <summary>Cell width Δx = L/N.</summary>
    public double Dx => Length / CellCount;

    /// <summary>Centre of cell i, (i + 1/2) Δx.</summary>
    public double CellCenter(int i) => (i + 0.5) * Dx;

    /// <summary>
    /// First cell of slab b when the grid is split into <paramref name="blockCount"/> contiguous slabs:
    /// slab b owns cells [b N / B, (b+1) N / B) (integer division), so the split depends only on N and B.
    /// </summary>
    public int SlabStart(int block, int blockCount)
    {
        if (blockCount < 1 || blockCount > CellCount) throw new ArgumentOutOfRangeException(nameof(blockCount), blockCount, "need 1 ≤ blocks ≤ cells");
        if (block < 0 || block > blockCount) throw new ArgumentOutOfRangeException(nameof(block));
        return (int)((long)block * CellCount / blockCount);
    }
}
