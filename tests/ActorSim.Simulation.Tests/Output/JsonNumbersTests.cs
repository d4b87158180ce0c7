using System.Text.Json.Nodes;
using ActorSim.Simulation.Output;

namespace ActorSim.Simulation.Tests.Output;

public class JsonNumbersTests
{
    [Fact]
    public void Non_finite_numbers_anywhere_become_null_and_finite_ones_stay()
    {
        var doc = new JsonObject
        {
            ["R0"] = double.PositiveInfinity,
            ["ok"] = 1.5,
            ["nested"] = new JsonObject { ["nan"] = double.NaN, ["list"] = new JsonArray(1.0, double.NegativeInfinity, "text") },
        };
        Assert.Equal(3, JsonNumbers.ReplaceNonFinite(doc));
        Assert.Equal("""{"R0":null,"ok":1.5,"nested":{"nan":null,"list":[1,null,"text"]}}""", doc.ToJsonString());
    }
}
