[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ActorSim.Actors.Tests")]
