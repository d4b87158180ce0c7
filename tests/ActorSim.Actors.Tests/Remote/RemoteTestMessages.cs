using Akka.Actor;
using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>Message N of the stream sent by <paramref name="Sender"/>.</summary>
public sealed record Sequenced(string Sender, int N);

/// <summary>A bulk array (several MB) with an id.</summary>
public sealed record Bulk(long Id, double[] Values);

/// <summary>A message carrying an actor ref in a field.</summary>
public sealed record ReplyTo(IActorRef Target, string Text);

/// <summary>Registered on some nodes only (for the unknown-contract tests).</summary>
public sealed record OnlyOnSomeNodes(string Text);

/// <summary>The test messages' wire contracts (ids 10001 and up).</summary>
public static class RemoteTestContracts
{
    public const int SequencedId = 10001, BulkId = 10002, PingId = 10003, ReplyToId = 10004, OnlyOnSomeNodesId = 10005;

    /// <summary>The default registry plus the test contracts (without <see cref="OnlyOnSomeNodes"/> unless asked).</summary>
    public static WireRegistry CreateRegistry(bool withOnlyOnSomeNodes = false)
    {
        var registry = WireRegistry.CreateDefault();
        registry.Register<Sequenced>(SequencedId, 1,
            static (m, w) => { w.WriteString(1, m.Sender); w.WriteInt32(2, m.N); },
            static (ref WireReader r, int _) =>
            {
                string sender = ""; var n = 0;
                while (r.NextField())
                    switch (r.Field)
                    {
                        case 1: sender = r.ReadString(); break;
                        case 2: n = r.ReadInt32(); break;
                        default: r.SkipField(); break;
                    }
                return new Sequenced(sender, n);
            });
        registry.Register<Bulk>(BulkId, 1,
            static (m, w) => { w.WriteInt64(1, m.Id); w.WriteDoubles(2, m.Values); },
            static (ref WireReader r, int _) =>
            {
                long id = 0; var values = Array.Empty<double>();
                while (r.NextField())
                    switch (r.Field)
                    {
                        case 1: id = r.ReadInt64(); break;
                        case 2: values = r.ReadDoubles(); break;
                        default: r.SkipField(); break;
                    }
                return new Bulk(id, values);
            });
        registry.Register<Ping>(PingId, 1,
            static (m, w) => w.WriteInt32(1, m.N),
            static (ref WireReader r, int _) =>
            {
                var n = 0;
                while (r.NextField())
                    if (r.Field == 1) n = r.ReadInt32(); else r.SkipField();
                return new Ping(n);
            });
        registry.Register<ReplyTo>(ReplyToId, 1,
            static (m, w) => { w.WriteActorRef(1, m.Target); w.WriteString(2, m.Text); },
            static (ref WireReader r, int _) =>
            {
                IActorRef? target = null; var text = "";
                while (r.NextField())
                    switch (r.Field)
                    {
                        case 1: target = r.ReadActorRef(); break;
                        case 2: text = r.ReadString(); break;
                        default: r.SkipField(); break;
                    }
                return new ReplyTo(target ?? throw new WireFormatException("ReplyTo without a target"), text);
            });
        if (withOnlyOnSomeNodes)
            registry.Register<OnlyOnSomeNodes>(OnlyOnSomeNodesId, 1,
                static (m, w) => w.WriteString(1, m.Text),
                static (ref WireReader r, int _) =>
                {
                    var text = "";
                    while (r.NextField())
                        if (r.Field == 1) text = r.ReadString(); else r.SkipField();
                    return new OnlyOnSomeNodes(text);
                });
        return registry;
    }
}
