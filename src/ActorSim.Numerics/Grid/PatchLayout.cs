namespace ActorSim.Numerics.Grid;

/// <summary>
/// Storage layout of one subdomain (patch) of a <see cref="UniformGrid"/>: its cells are global columns
/// [I0, I0+Nx) and rows [J0, J0+Ny), stored row by row with <see cref="GhostX"/> ghost columns on both x
/// sides and <see cref="GhostY"/> ghost rows on both y sides (0 in 1D). Local interior indices run from 0;
/// ghost cells have local indices −G..−1 and N..N+G−1. Corner ghost cells exist in storage but are never
/// filled or read (all stencils are dimension-by-dimension).
/// </summary>
public readonly record struct PatchLayout(int I0, int J0, int Nx, int Ny, int GhostX, int GhostY)
{
    /// <summary>Distance in storage between vertically adjacent cells.</summary>
    public int Stride => Nx + 2 * GhostX;
    /// <summary>Stored rows including ghosts.</summary>
    public int Rows => Ny + 2 * GhostY;
    /// <summary>Length of an array holding one field with ghosts.</summary>
    public int Length => Stride * Rows;
    /// <summary>Number of interior cells.</summary>
    public int InteriorCount => Nx * Ny;

    /// <summary>Storage index of local cell (i, j); ghosts allowed.</summary>
    public int Index(int i, int j) => (j + GhostY) * Stride + i + GhostX;

    /// <summary>Number of values per field that cross a side in a halo exchange (ghost layers × side length).</summary>
    public int HaloValues(Side side) => side.Axis() == 0 ? GhostX * Ny : GhostY * Nx;
}
