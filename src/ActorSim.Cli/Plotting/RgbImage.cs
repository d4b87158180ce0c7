namespace ActorSim.Cli.Plotting;

/// <summary>A raster of opaque colours, row-major from the top row down.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Pixels = new Rgb[width * height];
    }

    public int Width { get; }

    public int Height { get; }

    public Rgb[] Pixels { get; }

    public Rgb this[int x, int y]
    {
        get => Pixels[y * Width + x];
        set => Pixels[y * Width + x] = value;
    }

    /// <summary>This image with every pixel repeated <paramref name="fx"/> times across and <paramref name="fy"/> times down.</summary>
    public RgbImage Upscale(int fx, int fy)
    {
        if (fx == 1 && fy == 1) return this;
        var big = new RgbImage(Width * fx, Height * fy);
        for (int y = 0; y < big.Height; y++)
            for (int x = 0; x < big.Width; x++)
                big[x, y] = this[x / fx, y / fy];
        return big;
    }
}
