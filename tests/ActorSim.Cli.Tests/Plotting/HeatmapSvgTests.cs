using System.Buffers.Binary;
using System.IO.Compression;
using ActorSim.Cli.Plotting;
using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

public class HeatmapSvgTests
{
    private static (Figure Figure, Heatmap Map) Field(int ny = 4, int nx = 6)
    {
        var data = new double[ny * nx];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
                data[j * nx + i] = i + 10.0 * j;                  // grows to the right and upwards
        var map = new Heatmap(data, ny, nx) { Title = "u", ColorbarLabel = "u [1/L]" };
        return (new Figure { Width = 760, Panels = { map.FitHeight(760) } }, map);
    }

    [Fact]
    public void A_heatmap_has_cells_a_colour_bar_with_labels_and_axis_labels()
    {
        var (figure, map) = Field();
        var doc = SvgXml.Parse(figure.ToSvg());

        doc.Texts("axis-label").Should().Equal("x (cell index i)", "y (cell index j)", "u [1/L]");
        var barLabels = doc.InGroup("colorbar", "text").Where(e => (string?)e.Attribute("class") == "tick-label").Select(e => e.Value).ToList();
        barLabels.Should().Equal("0", "5", "10", "15", "20", "25", "30", "35");
        map.ColorScale!.Min.Should().Be(0);
        map.ColorScale.Max.Should().Be(35);
        doc.InGroup("x-axis", "text").Select(e => e.Value).Should().Contain(["0", "5"]);

        var images = doc.Descendants(SvgXml.Ns + "image").ToList();
        images.Should().HaveCount(2);                               // the field and the colour bar
        var href = (string)images[0].Attribute(System.Xml.Linq.XName.Get("href", "http://www.w3.org/1999/xlink"))!;
        href.Should().StartWith("data:image/png;base64,");
        var png = PngDecoder.Decode(Convert.FromBase64String(href["data:image/png;base64,".Length..]));
        png.Width.Should().BeGreaterThanOrEqualTo(6);
    }

    [Fact]
    public void Row_zero_is_at_the_bottom_and_colours_follow_viridis()
    {
        var (figure, _) = Field();
        var doc = SvgXml.Parse(figure.ToSvg());
        var href = (string)doc.Descendants(SvgXml.Ns + "image").First().Attribute(System.Xml.Linq.XName.Get("href", "http://www.w3.org/1999/xlink"))!;
        var img = PngDecoder.Decode(Convert.FromBase64String(href["data:image/png;base64,".Length..]));

        (img.Width % 6).Should().Be(0);
        (img.Height % 4).Should().Be(0);
        img[0, img.Height - 1].Should().Be(Viridis.Map(0.0));              // (j=0, i=0) = 0, the minimum, bottom left
        img[img.Width - 1, 0].Should().Be(Viridis.Map(1.0));               // (j=3, i=5) = 35, the maximum, top right
        img[img.Width - 1, img.Height - 1].Should().Be(Viridis.Map(5 / 35.0));
    }

    [Fact]
    public void Viridis_runs_from_dark_purple_to_yellow_and_gets_lighter()
    {
        Viridis.Map(0).Should().Be(Rgb.Parse("#440154"));
        Viridis.Map(1).Should().Be(Rgb.Parse("#fde725"));
        Viridis.Map(0.5).Should().Be(Rgb.Parse("#26828e"));
        double Lum(Rgb c) => 0.2126 * c.R + 0.7152 * c.G + 0.0722 * c.B;
        Enumerable.Range(0, 11).Select(k => Lum(Viridis.Map(k / 10.0))).Should().BeInAscendingOrder();
        Viridis.Map(double.NaN).Should().Be(Palette.Missing);
    }
}

/// <summary>A minimal PNG reader for the tests: 8-bit RGB, no interlace, all five filter types.</summary>
internal static class PngDecoder
{
    public static RgbImage Decode(byte[] png)
    {
        png.AsSpan(0, 8).ToArray().Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A);
        int width = 0, height = 0;
        var idat = new MemoryStream();
        int pos = 8;
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            crc.Should().Be(Crc32.Compute(png.AsSpan(pos + 4, 4 + len)), $"the CRC of chunk {type}");
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                data[8..13].ToArray().Should().Equal(8, 2, 0, 0, 0);
            }
            else if (type == "IDAT") idat.Write(data);
            pos += 12 + len;
            if (type == "IEND") break;
        }
        pos.Should().Be(png.Length);
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        byte[] r = raw.ToArray();
        int stride = width * 3;
        r.Length.Should().Be((stride + 1) * height);
        var cur = new byte[stride];
        var prev = new byte[stride];
        var img = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            int f = r[y * (stride + 1)];
            for (int k = 0; k < stride; k++)
            {
                int a = k >= 3 ? cur[k - 3] : 0, b = prev[k], c = k >= 3 ? prev[k - 3] : 0;
                int pred = f switch
                {
                    0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException("filter " + f),
                };
                cur[k] = (byte)(r[y * (stride + 1) + 1 + k] + pred);
            }
            for (int x = 0; x < width; x++) img[x, y] = new Rgb(cur[3 * x], cur[3 * x + 1], cur[3 * x + 2]);
            (prev, cur) = (cur, prev);
        }
        return img;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
