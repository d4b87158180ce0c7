using ActorSim.Actors;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime;

/// <summary>Hands every message to a callback: the bridge from the actor graph to plain code (progress, completion).</summary>
public sealed class CallbackActor(Action<object> onMessage) : Actor
{
    protected override void Receive(object message) => onMessage(message);
}
