namespace ActorSim.Simulation.Output;

/// <summary>
/// A float64 array read from a <c>.npy</c> file: its shape and its values in C order (the last index
/// varies fastest; a 2D field of shape (ny, nx) has value (j, i) at <c>Data[j * nx + i]</c>).
/// </summary>
public sealed class NpyArray
{
    public NpyArray(int[] shape, double[] data)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape {NpyHeader.ShapeRepr(shape)}", nameof(shape));
            n *= d;
        }
        if (n != data.Length) throw new ArgumentException($"shape {NpyHeader.ShapeRepr(shape)} holds {n} values, data has {data.Length}", nameof(data));
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }

    public double[] Data { get; }

    public int Rank => Shape.Length;

    /// <summary>Value (j, i) of a 2D array (row j, column i).</summary>
    public double this[int j, int i]
    {
        get
        {
            if (Rank != 2) throw new InvalidOperationException($"a 2D index on an array of shape {NpyHeader.ShapeRepr(Shape)}");
            if ((uint)j >= (uint)Shape[0] || (uint)i >= (uint)Shape[1]) throw new IndexOutOfRangeException($"({j}, {i}) is outside shape {NpyHeader.ShapeRepr(Shape)}");
            return Data[j * Shape[1] + i];
        }
    }

    public override string ToString() => $"float64 array, shape {NpyHeader.ShapeRepr(Shape)}";
}
