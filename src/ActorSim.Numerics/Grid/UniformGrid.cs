namespace ActorSim.Numerics.Grid;

/// <summary>
/// A uniform cell-centred grid on an interval (1D) or a rectangle (2D). Cell (i, j) covers
/// [X0 + i·Hx, X0 + (i+1)·Hx] × [Y0 + j·Hy, Y0 + (j+1)·Hy]; its centre is at
/// (X0 + (i + ½)·Hx, Y0 + (j + ½)·Hy). Lengths are in the scenario's length unit.
/// In 1D, <see cref="Ny"/> = 1 and the y coordinate of every centre is 0.
/// </summary>
public sealed record UniformGrid
{
    private UniformGrid(int dimension, int nx, int ny, double lx, double ly, double x0, double y0,
        BoundaryKind bx, BoundaryKind by)
    {
        if (nx < 2) throw new ArgumentOutOfRangeException(nameof(nx), "need at least 2 cells per axis");
        if (dimension == 2 && ny < 2) throw new ArgumentOutOfRangeException(nameof(ny), "need at least 2 cells per axis");
        if (!(lx > 0) || (dimension == 2 && !(ly > 0))) throw new ArgumentOutOfRangeException(nameof(lx), "lengths must be positive");
        Dimension = dimension; Nx = nx; Ny = ny; Lx = lx; Ly = ly; X0 = x0; Y0 = y0;
        BoundaryX = bx; BoundaryY = by;
    }

    /// <summary>An interval [origin, origin + length] with <paramref name="cells"/> cells.</summary>
    public static UniformGrid Line(int cells, double length, BoundaryKind boundary, double origin = 0.0) =>
        new(1, cells, 1, length, 1.0, origin, 0.0, boundary, BoundaryKind.Neumann);

    /// <summary>A rectangle [x0, x0+lx] × [y0, y0+ly] with nx × ny cells and one boundary kind per axis.</summary>
    public static UniformGrid Rectangle(int nx, int ny, double lx, double ly, BoundaryKind boundaryX, BoundaryKind boundaryY,
        double x0 = 0.0, double y0 = 0.0) =>
        new(2, nx, ny, lx, ly, x0, y0, boundaryX, boundaryY);

    /// <summary>1 or 2.</summary>
    public int Dimension { get; }
    /// <summary>Cells along x.</summary>
    public int Nx { get; }
    /// <summary>Cells along y (1 in 1D).</summary>
    public int Ny { get; }
    /// <summary>Domain length along x.</summary>
    public double Lx { get; }
    /// <summary>Domain length along y (unused in 1D).</summary>
    public double Ly { get; }
    /// <summary>Low-x end of the domain.</summary>
    public double X0 { get; }
    /// <summary>Low-y end of the domain (unused in 1D).</summary>
    public double Y0 { get; }
    /// <summary>Boundary condition at both x ends.</summary>
    public BoundaryKind BoundaryX { get; }
    /// <summary>Boundary condition at both y ends (unused in 1D).</summary>
    public BoundaryKind BoundaryY { get; }

    /// <summary>Cell width along x.</summary>
    public double Hx => Lx / Nx;
    /// <summary>Cell width along y (1 in 1D, so that formulas stay uniform).</summary>
    public double Hy => Dimension == 2 ? Ly / Ny : 1.0;
    /// <summary>Cell volume: Hx in 1D, Hx·Hy in 2D.</summary>
    public double CellVolume => Dimension == 2 ? Hx * Hy : Hx;
    /// <summary>Total number of cells.</summary>
    public int CellCount => Nx * Ny;

    /// <summary>x coordinate of the centre of column i (global index). Computed the same way everywhere.</summary>
    public double XCentre(int i) => X0 + (i + 0.5) * Hx;
    /// <summary>y coordinate of the centre of row j (global index); 0 in 1D.</summary>
    public double YCentre(int j) => Dimension == 2 ? Y0 + (j + 0.5) * Hy : 0.0;

    /// <summary>Boundary kind of an axis (0 = x, 1 = y).</summary>
    public BoundaryKind Boundary(int axis) => axis == 0 ? BoundaryX : BoundaryY;
    /// <summary>Number of cells along an axis.</summary>
    public int Cells(int axis) => axis == 0 ? Nx : Ny;
    /// <summary>Length along an axis.</summary>
    public double Length(int axis) => axis == 0 ? Lx : Ly;
    /// <summary>Cell width along an axis.</summary>
    public double Spacing(int axis) => axis == 0 ? Hx : Hy;
}
