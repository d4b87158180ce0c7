using ActorSim.Simulation.Output;
using FluentAssertions;

namespace ActorSim.Simulation.Tests.Output;

public class TimeseriesCsvReaderTests
{
    private static Timeseries Parse(string text) => TimeseriesCsvReader.Read(new StringReader(text), "run/timeseries.csv");

    [Fact]
    public void Reads_columns_times_and_values()
    {
        var ts = Parse("t,u,v,w\n0,100,0,1\n0.5,99.5,1e-3,NaN\n1,-Infinity,2.5E-11,3\n");
        ts.Columns.Should().Equal("u", "v", "w");
        ts.T.Should().Equal(0, 0.5, 1);
        ts.Column("u").Should().Equal(100, 99.5, double.NegativeInfinity);
        ts.Column("v")[2].Should().Be(2.5e-11);
        double.IsNaN(ts.Column("w")[1]).Should().BeTrue();
        ts.Rows.Should().Be(3);
    }

    [Fact]
    public void A_header_only_file_has_no_rows_and_CRLF_is_accepted()
    {
        Parse("t,u\r\n").Rows.Should().Be(0);
        Parse("t,u\r\n0,1\r\n1,2\r\n").Column("u").Should().Equal(1, 2);
    }

    [Theory]
    [InlineData("", "run/timeseries.csv: the file is empty")]
    [InlineData("time,u\n0,1\n", "run/timeseries.csv:1: the header must start with the time column 't', found 'time'")]
    [InlineData("t,u,,w\n", "run/timeseries.csv:1: column 3 of the header has no name")]
    [InlineData("t,u,u\n", "run/timeseries.csv:1: column name 'u' appears twice")]
    [InlineData("t,u,v\n0,1,2\n0.5,1\n", "run/timeseries.csv:3: expected 3 values (t,u,v), found 2")]
    [InlineData("t,u,v\n0,1,2\n0.5,1,2\n1,x1,2\n", "run/timeseries.csv:4: column 'u': 'x1' is not a number")]
    [InlineData("t,u\n0,1\n\n1,2\n", "run/timeseries.csv:3: empty line")]
    [InlineData("t,u\n1,1\n0.5,2\n", "run/timeseries.csv:3: time 0.5 is not after the previous line's time 1")]
    public void Malformed_files_are_reported_with_file_and_line(string text, string message)
    {
        var act = () => Parse(text);
        act.Should().Throw<OutputFormatException>().Which.Message.Should().StartWith(message);
    }

    [Fact]
    public void A_missing_file_is_reported_as_such()
    {
        var act = () => TimeseriesCsvReader.Read("/nonexistent/timeseries.csv");
        act.Should().Throw<OutputFormatException>().WithMessage("/nonexistent/timeseries.csv: file not found");
    }
}
