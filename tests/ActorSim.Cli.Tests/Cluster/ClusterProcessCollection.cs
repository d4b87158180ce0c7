namespace ActorSim.Cli.Tests.Cluster;

/// <summary>The tests that start clusters of <c>actorsim node</c> processes run one after the other (they share two cores).</summary>
[CollectionDefinition(Name)]
public sealed class ClusterProcessCollection
{
    public const string Name = "actorsim node processes";
}
