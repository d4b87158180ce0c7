namespace ActorSim.Numerics.Grid;

/// <summary>
/// Splits a <see cref="UniformGrid"/> into BlocksX × BlocksY rectangular subdomains of contiguous cells
/// (1D: BlocksY = 1; 2D slabs of rows: BlocksX = 1). Block b = by·BlocksX + bx. Cells are dealt out as
/// evenly as possible, the first (N mod B) blocks of an axis getting one extra cell. This order of block
/// indices is the order in which a coordinator reduces partial results.
/// </summary>
public sealed record BlockLayout
{
    /// <summary>Builds the layout; every block must have at least <paramref name="minCells"/> cells along each split axis.</summary>
    public BlockLayout(UniformGrid grid, int blocksX, int blocksY = 1, int minCells = 2)
    {
        if (blocksX < 1 || blocksY < 1) throw new ArgumentOutOfRangeException(nameof(blocksX));
        if (grid.Dimension == 1 && blocksY != 1) throw new ArgumentException("a 1D grid has BlocksY = 1", nameof(blocksY));
        if (grid.Nx / blocksX < minCells || (grid.Dimension == 2 && grid.Ny / blocksY < minCells))
            throw new ArgumentException($"each block needs at least {minCells} cells per axis (ghost width)");
        Grid = grid; BlocksX = blocksX; BlocksY = blocksY;
    }

    /// <summary>The decomposed grid.</summary>
    public UniformGrid Grid { get; }
    /// <summary>Blocks along x.</summary>
    public int BlocksX { get; }
    /// <summary>Blocks along y.</summary>
    public int BlocksY { get; }
    /// <summary>Total number of blocks.</summary>
    public int BlockCount => BlocksX * BlocksY;

    /// <summary>Block index of tile (bx, by).</summary>
    public int BlockIndex(int bx, int by) => by * BlocksX + bx;

    /// <summary>First global cell and cell count of part p of n cells split into parts pieces.</summary>
    public static (int Start, int Count) Split(int n, int parts, int p)
    {
        int q = n / parts, rem = n % parts;
        int start = p * q + Math.Min(p, rem);
        return (start, q + (p < rem ? 1 : 0));
    }

    /// <summary>Layout (global offsets, sizes, ghost widths) of block b.</summary>
    public PatchLayout Patch(int block, int ghostWidth)
    {
        int bx = block % BlocksX, by = block / BlocksX;
        var (i0, nx) = Split(Grid.Nx, BlocksX, bx);
        var (j0, ny) = Grid.Dimension == 2 ? Split(Grid.Ny, BlocksY, by) : (0, 1);
        return new PatchLayout(i0, j0, nx, ny, ghostWidth, Grid.Dimension == 2 ? ghostWidth : 0);
    }

    /// <summary>
    /// The block across <paramref name="side"/> of block b, or −1 if that side is a physical (Neumann)
    /// boundary. Periodic axes wrap around; with one block along a periodic axis a block is its own neighbour.
    /// </summary>
    public int Neighbour(int block, Side side)
    {
        int bx = block % BlocksX, by = block / BlocksX;
        int axis = side.Axis();
        if (axis == 1 && Grid.Dimension == 1) throw new ArgumentException("1D grids have no y sides", nameof(side));
        int n = axis == 0 ? BlocksX : BlocksY;
        int c = axis == 0 ? bx : by;
        int d = side.IsLow() ? c - 1 : c + 1;
        if (d < 0 || d >= n)
        {
            if (Grid.Boundary(axis) != BoundaryKind.Periodic) return -1;
            d = (d + n) % n;
        }
        return axis == 0 ? BlockIndex(d, by) : BlockIndex(bx, d);
    }
}
