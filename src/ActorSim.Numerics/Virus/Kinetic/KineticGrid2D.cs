namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// A uniform 2D grid of <see cref="Nx"/> × <see cref="Ny"/> cells on [0, Lx] × [0, Ly]: cell (i, j) is
/// [i Δx, (i+1) Δx] × [j Δy, (j+1) Δy]; x-faces sit at x = i Δx (i = 0..Nx), y-faces at y = j Δy
/// (j = 0..Ny). Each axis has its own boundary kind. Fields are stored row by row (C order, shape
/// [Ny, Nx]): index j Nx + i.
/// </summary>
public sealed record KineticGrid2D
{
    /// <summary>Creates the grid; lengths &gt; 0 and at least one cell per axis.</summary>
    public KineticGrid2D(double lx, double ly, int nx, int ny, KineticBoundary boundaryX, KineticBoundary boundaryY)
    {
        if (!(lx > 0)) throw new ArgumentOutOfRangeException(nameof(lx), lx, "length must be positive");
        if (!(ly > 0)) throw new ArgumentOutOfRangeException(nameof(ly), ly, "length must be positive");
        if (nx < 1) throw new ArgumentOutOfRangeException(nameof(nx), nx, "need at least one cell along x");
        if (ny < 1) throw new ArgumentOutOfRangeException(nameof(ny), ny, "need at least one cell along y");
        Lx = lx; Ly = ly; Nx = nx; Ny = ny; BoundaryX = boundaryX; BoundaryY = boundaryY;
    }

    /// <summary>Domain length along x.</summary>
    public double Lx { get; }

    /// <summary>Domain length along y.</summary>
    public double Ly { get; }

    /// <summary>Cells along x.</summary>
    public int Nx { get; }

    /// <summary>Cells along y.</summary>
    public int Ny { get; }

    /// <summary>Boundary condition at x = 0 and x = Lx.</summary>
    public KineticBoundary BoundaryX { get; }

    /// <summary>Boundary condition at y = 0 and y = Ly.</summary>
    public KineticBoundary BoundaryY { get; }

    /// <summary>Cell width Δx = Lx/Nx.</summary>
    public double Dx => Lx / Nx;

    /// <summary>Cell height Δy = Ly/Ny.</summary>
    public double Dy => Ly / Ny;

    /// <summary>Number of cells Nx Ny.</summary>
    public int CellCount => Nx * Ny;

    /// <summary>Centre x of column i, (i + 1/2) Δx.</summary>
    public double CellCenterX(int i) => (i + 0.5) * Dx;

    /// <summary>Centre y of row j, (j + 1/2) Δy.</summary>
    public double CellCenterY(int j) => (j + 0.5) * Dy;

    /// <summary>
    /// First row of slab b when the rows are split into <paramref name="blockCount"/> contiguous slabs:
    /// slab b owns rows [b Ny / B, (b+1) Ny / B) (integer division), so the split depends only on Ny and B.
    /// </summary>
    public int SlabStart(int block, int blockCount)
    {
        if (blockCount < 1 || blockCount > Ny) throw new ArgumentOutOfRangeException(nameof(blockCount), blockCount, "need 1 ≤ blocks ≤ rows");
        if (block < 0 || block > blockCount) throw new ArgumentOutOfRangeException(nameof(block));
        return (int)((long)block * Ny / blockCount);
    }
}

/// <summary>Side of a slab of rows of a 2D grid.</summary>
public enum SlabSide
{
    /// <summary>The side towards y = 0.</summary>
    Bottom,
    /// <summary>The side towards y = Ly.</summary>
    Top,
}
