using Akka.Actor;

namespace ActorSim.Actors;

/// <summary>
/// Akka.NET <see cref="Props"/> from a plain factory delegate (Akka's own <c>Props.Create</c> takes an expression tree,
/// which cannot hold statement lambdas or switch expressions). The factory runs for the first instance and again on
/// every restart, so it must return a new instance each time.
/// </summary>
public static class ActorFactory
{
    public static Props Props(Func<ActorBase> factory) =>
        Akka.Actor.Props.CreateBy(new Producer(factory ?? throw new ArgumentNullException(nameof(factory))));

    private sealed class Producer(Func<ActorBase> factory) : IIndirectActorProducer
    {
        public Type ActorType => typeof(ActorBase);

        public ActorBase Produce() => factory();

        public void Release(ActorBase actor) { }
    }
}
