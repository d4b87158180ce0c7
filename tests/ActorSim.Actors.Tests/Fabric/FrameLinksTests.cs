using System.Buffers.Binary;
using System.Threading.Channels;
using ActorSim.Actors.Fabric;
using ActorSim.Actors.Remote;
using ActorSim.Actors.TestKit;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Tests.Fabric;

/// <summary>
/// The direct frame links on loopback (no TLS): order and completeness when small frames go out inline on the sender's
/// thread, large ones through the link's task, and the kernel's buffer runs full while the receiver is held up.
/// </summary>
public sealed class FrameLinksTests
{
    private static readonly ClusterSecret Secret = ClusterSecret.FromString("links-test-secret-0123456789");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Frames_of_any_size_arrive_complete_and_in_order_while_the_receiver_is_held_up(bool inline)
    {
        const int count = 600;
        var logs = new CapturingLoggerFactory();
        var log = logs.CreateLogger("links");
        var received = Channel.CreateUnbounded<byte[]>();
        using var release = new ManualResetEventSlim(false);
        await using var a = new FrameLinks("a", "127.0.0.1", 0, null, Secret, 1 << 24, (bytes, _, _) =>
        {
            release.Wait(TimeSpan.FromSeconds(60)); // held up until every frame is queued: the sender's socket fills
            received.Writer.TryWrite(bytes.ToArray());
        }, log);
        await using var b = new FrameLinks("b", "127.0.0.1", 0, null, Secret, 1 << 24, (_, _, _) => { }, log, inlineSends: inline);
        a.Start("a");
        b.Start("b");

        // Small frames (inline when the link is idle), 200 KB frames (the link's task) and 1 MB ones, interleaved:
        // about 100 MB in all, far more than the kernel buffers while the receiver waits.
        int Size(int i) => i % 3 == 0 ? 16 : i % 3 == 1 ? 200_000 : 1 << 20;
        for (int i = 0; i < count; i++)
        {
            var frame = new byte[Size(i)];
            BinaryPrimitives.WriteInt32LittleEndian(frame, i);
            frame[^1] = (byte)i;
            b.Send("a", "127.0.0.1", a.Port, frame, null);
        }
        release.Set();
        for (int i = 0; i < count; i++)
        {
            var frame = await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(frame));
            Assert.Equal(Size(i), frame.Length);
            Assert.Equal((byte)i, frame[^1]);
        }
        Assert.False(received.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Frames_queued_while_the_link_connects_go_out_first_and_in_order()
    {
        var log = new CapturingLoggerFactory().CreateLogger("links");
        var received = Channel.CreateUnbounded<int>();
        await using var a = new FrameLinks("a", "127.0.0.1", 0, null, Secret, 1 << 20,
            (bytes, _, _) => received.Writer.TryWrite(BinaryPrimitives.ReadInt32LittleEndian(bytes.Span)), log);
        await using var b = new FrameLinks("b", "127.0.0.1", 0, null, Secret, 1 << 20, (_, _, _) => { }, log);
        a.Start("a");
        b.Start("b");
        // The first Send opens the link; the rest are queued behind the connection and the challenge.
        var senders = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                var frame = new byte[8];
                BinaryPrimitives.WriteInt32LittleEndian(frame, t * 1000 + i);
                b.Send("a", "127.0.0.1", a.Port, frame, null);
            }
        })).ToArray();
        await Task.WhenAll(senders);
        var next = new[] { 0, 1000 };
        for (int n = 0; n < 1000; n++)
        {
            int v = await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            int t = v / 1000;
            Assert.Equal(next[t], v); // each sender's frames in its order
            next[t]++;
        }
        Assert.Equal(new[] { 500, 1500 }, next);
    }
}
