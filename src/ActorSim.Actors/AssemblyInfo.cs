[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ActorSim.Actors.Tests")]
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ActorSim.Bench")]
