using Akka.Actor;
using Akka.Actor.Setup;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorSim.Actors.Fabric;

/// <summary>Starts ActorSim's Akka.NET cluster members.</summary>
public static class FabricSystem
{
    /// <summary>
    /// A cluster member: binds <see cref="FabricSettings.Host"/>:<see cref="FabricSettings.Port"/> and joins through the seed
    /// nodes (with none it founds a cluster of its own). Membership is not awaited: use <see cref="WhenUp"/>.
    /// </summary>
    public static Akka.Actor.ActorSystem CreateClusterNode(FabricSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ActorSystemSetup setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(FabricConfig.Cluster(settings)));
        if (settings.Tls is { } tls) setup = setup.And(ClusterTls.Setup(tls));
        var system = Akka.Actor.ActorSystem.Create(settings.SystemName, setup);
        if (settings.SeedNodes.Count == 0)
        {
            var cluster = AkkaCluster.Get(system);
            cluster.Join(cluster.SelfAddress);
        }
        return system;
    }

    /// <summary>Completes when this node is Up in the cluster; faults after <paramref name="timeout"/>.</summary>
    public static Task WhenUp(Akka.Actor.ActorSystem system, TimeSpan timeout)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AkkaCluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        return up.Task.WaitAsync(timeout);
    }
}
