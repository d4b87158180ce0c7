using System.Text;
using ActorSim.Cli.Plotting;
using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

public class PngTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Crc32.Compute(Encoding.ASCII.GetBytes("123456789")).Should().Be(0xCBF43926u);
        Crc32.Compute([]).Should().Be(0u);
        Crc32.Append(Crc32.Compute(Encoding.ASCII.GetBytes("1234")), Encoding.ASCII.GetBytes("56789")).Should().Be(0xCBF43926u);
    }

    [Fact]
    public void An_encoded_image_decodes_to_the_same_pixels()
    {
        var img = new RgbImage(7, 3);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 7; x++)
                img[x, y] = new Rgb((byte)(x * 40), (byte)(y * 100), (byte)(255 - x * y * 10));
        var back = PngDecoder.Decode(PngEncoder.Encode(img));
        back.Width.Should().Be(7);
        back.Height.Should().Be(3);
        back.Pixels.Should().Equal(img.Pixels);
    }

    [Fact]
    public void A_figure_rasterises_to_a_png_with_drawn_lines_and_text()
    {
        var chart = new LineChart { XLabel = "time t [T]", YLabel = "u" };
        chart.Series.Add(new Series("u", [0, 1, 2, 3], [0, 1, 4, 9], Palette.Series(3)));
        var figure = new Figure { Title = "ActorSim", Width = 400, Panels = { chart } };
        var img = PngDecoder.Decode(figure.ToPng(scale: 1));

        img.Width.Should().Be(400);
        img.Height.Should().Be((int)Math.Ceiling(figure.Height));
        img.Pixels.Count(p => p == Palette.Series(3)).Should().BeGreaterThan(200, "the series is drawn in its colour");
        int dark = img.Pixels.Count(p => p.R < 80 && p.G < 80 && p.B < 80);
        dark.Should().BeGreaterThan(400, "ticks and text are drawn");
        img[0, 0].Should().Be(Palette.White);
    }

    [Fact]
    public void The_bitmap_font_has_a_glyph_for_every_printable_character()
    {
        for (char c = '!'; c <= '~'; c++)
            BitmapFont.InkedColumns(c).Count.Should().BeGreaterThan(0, $"'{c}' has ink");
        BitmapFont.Normalize("t … 10−3 × µ").Should().Be("t ... 10-3 x u");
        BitmapFont.Advance("ii").Should().BeLessThan(BitmapFont.Advance("mm"));
    }
}
