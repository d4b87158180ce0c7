namespace ActorSim.Actors;

/// <summary>The <c>/user</c> guardian: parent of all top-level actors; it only supervises.</summary>
internal sealed class GuardianActor : Actor
{
    protected override void Receive(object message) => Unhandled(message);
}
