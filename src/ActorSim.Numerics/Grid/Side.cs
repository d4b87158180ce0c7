namespace ActorSim.Numerics.Grid;

/// <summary>A side of a rectangular patch. X sides exist in 1D and 2D, Y sides only in 2D.</summary>
public enum Side
{
    /// <summary>The low-x end (x = x0 of the patch).</summary>
    XLow = 0,

    /// <summary>The high-x end.</summary>
    XHigh = 1,

    /// <summary>The low-y end (2D only).</summary>
    YLow = 2,

    /// <summary>The high-y end (2D only).</summary>
    YHigh = 3,
}

/// <summary>Helpers on <see cref="Side"/>.</summary>
public static class SideExtensions
{
    /// <summary>The side facing this one across a shared face (XLow ↔ XHigh, YLow ↔ YHigh).</summary>
    public static Side Opposite(this Side side) => (Side)((int)side ^ 1);

    /// <summary>0 for the x axis, 1 for the y axis.</summary>
    public static int Axis(this Side side) => (int)side >> 1;

    /// <summary>True for the low end of its axis.</summary>
    public static bool IsLow(this Side side) => ((int)side & 1) == 0;

    /// <summary>The sides that exist in a grid of the given dimension (1 or 2), in a fixed order.</summary>
    public static ReadOnlySpan<Side> For(int dimension) =>
        dimension == 1 ? Sides1D : Sides2D;

    private static readonly Side[] Sides1D = { Side.XLow, Side.XHigh };
    private static readonly Side[] Sides2D = { Side.XLow, Side.XHigh, Side.YLow, Side.YHigh };
}
