using ActorSim.Numerics.Grid;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Grid;

public class BlockLayoutTests
{
    [Theory]
    [InlineData(10, 3)]
    [InlineData(64, 4)]
    [InlineData(7, 1)]
    public void Split_covers_every_cell_once_in_order_and_balanced(int n, int parts)
    {
        int next = 0;
        for (int p = 0; p < parts; p++)
        {
            var (start, count) = BlockLayout.Split(n, parts, p);
            start.Should().Be(next);
            count.Should().BeInRange(n / parts, n / parts + 1);
            next += count;
        }
        next.Should().Be(n);
    }

    [Fact]
    public void Neighbours_wrap_on_periodic_axes_and_stop_at_Neumann_ones()
    {
        var g = UniformGrid.Rectangle(12, 8, 1, 1, BoundaryKind.Periodic, BoundaryKind.Neumann);
        var l = new BlockLayout(g, 3, 2);
        l.BlockCount.Should().Be(6);
        // block 0 = (0,0), block 5 = (2,1)
        l.Neighbour(0, Side.XLow).Should().Be(2);
        l.Neighbour(0, Side.XHigh).Should().Be(1);
        l.Neighbour(0, Side.YLow).Should().Be(-1);
        l.Neighbour(0, Side.YHigh).Should().Be(3);
        l.Neighbour(5, Side.XHigh).Should().Be(3);
        l.Neighbour(5, Side.YHigh).Should().Be(-1);
        var single = new BlockLayout(UniformGrid.Line(8, 1, BoundaryKind.Periodic), 1);
        single.Neighbour(0, Side.XLow).Should().Be(0);
        single.Neighbour(0, Side.XHigh).Should().Be(0);
    }

    [Fact]
    public void Patches_tile_the_grid_and_index_rows_with_ghosts()
    {
        var g = UniformGrid.Rectangle(10, 7, 1, 1, BoundaryKind.Neumann, BoundaryKind.Neumann);
        var l = new BlockLayout(g, 3, 2);
        var seen = new bool[g.CellCount];
        for (int b = 0; b < l.BlockCount; b++)
        {
            var p = l.Patch(b, 2);
            p.Stride.Should().Be(p.Nx + 4);
            p.Index(0, 0).Should().Be(2 * p.Stride + 2);
            p.Index(-2, -2).Should().Be(0);
            p.Index(p.Nx + 1, p.Ny + 1).Should().Be(p.Length - 1);
            p.HaloValues(Side.XLow).Should().Be(2 * p.Ny);
            p.HaloValues(Side.YHigh).Should().Be(2 * p.Nx);
            for (int j = 0; j < p.Ny; j++)
                for (int i = 0; i < p.Nx; i++)
                {
                    int c = (p.J0 + j) * g.Nx + p.I0 + i;
                    seen[c].Should().BeFalse();
                    seen[c] = true;
                }
        }
        seen.Should().AllSatisfy(x => x.Should().BeTrue());
    }

    [Fact]
    public void Blocks_thinner_than_the_ghost_width_are_rejected()
    {
        var g = UniformGrid.Line(5, 1, BoundaryKind.Neumann);
        var act = () => new BlockLayout(g, 3);
        act.Should().Throw<ArgumentException>();
    }
}
