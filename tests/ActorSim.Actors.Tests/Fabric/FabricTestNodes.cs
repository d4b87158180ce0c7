using System.Net;
using System.Net.Sockets;
using ActorSim.Actors.Fabric;

namespace ActorSim.Actors.Tests.Fabric;

using Akka.Actor;
using IActorRef = Akka.Actor.IActorRef;
using Props = Akka.Actor.Props;

/// <summary>Helpers to start Akka cluster members on loopback for the fabric tests.</summary>
internal static class FabricTestNodes
{
    /// <summary>A TCP port that was free a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static FabricSettings Settings(string nodeId, int port, int? seedPort, params string[] roles) =>
        new(nodeId, "127.0.0.1", port, seedPort is { } s ? [$"127.0.0.1:{s}"] : [], roles);
}

/// <summary>A message type of ActorSim's (allowed by the filter), with a bulk array and a reply address.</summary>
public sealed record FabricPing(int Seq, double[] Data, Akka.Actor.IActorRef ReplyTo);

/// <summary>The echo's answer.</summary>
public sealed record FabricPong(int Seq, double Sum, string Node);

/// <summary>Answers <see cref="FabricPing"/> with the sum of its data; answers a bare double[] with itself.</summary>
public sealed class FabricEcho : Akka.Actor.ReceiveActor
{
    public FabricEcho(string node)
    {
        Receive<FabricPing>(p => p.ReplyTo.Tell(new FabricPong(p.Seq, p.Data.Sum(), node)));
        Receive<double[]>(d => Sender.Tell(d));
        ReceiveAny(o => Sender.Tell($"unexpected {o.GetType().FullName}"));
    }
}
