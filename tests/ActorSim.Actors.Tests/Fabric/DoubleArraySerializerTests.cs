using ActorSim.Actors.Fabric;

namespace ActorSim.Actors.Tests.Fabric;

public class DoubleArraySerializerTests
{
    [Fact]
    public void Round_trips_every_bit_pattern_including_nan_payloads_negative_zero_and_subnormals()
    {
        double[] values =
        [
            0.0, -0.0, 1.0, -1.5, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue,
            double.PositiveInfinity, double.NegativeInfinity, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234), Math.PI,
        ];
        byte[] bytes = DoubleArraySerializer.Encode(values);
        Assert.Equal(values.Length * 8, bytes.Length);
        double[] back = DoubleArraySerializer.Decode(bytes);
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), back.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Writes_little_endian_ieee754_without_a_header()
    {
        byte[] bytes = DoubleArraySerializer.Encode([1.0]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0xF0, 0x3F }, bytes);
        Assert.Empty(DoubleArraySerializer.Encode([]));
    }

    [Fact]
    public void A_payload_that_is_not_whole_doubles_is_refused_with_its_length()
    {
        var e = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => DoubleArraySerializer.Decode(new byte[12]));
        Assert.Contains("12 bytes", e.Message);
    }
}
