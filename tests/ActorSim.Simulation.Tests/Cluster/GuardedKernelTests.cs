using System.Reflection;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// The cluster's kernel wrappers (they name the block and node in a failure) must forward every member of the kernel
/// interfaces. A member with a default implementation is the trap: left out, the wrapper silently answers with the
/// default (for <see cref="ISubdomainKernel.NeedsHalo"/>: every halo exchanged, a message hop per stage more on a
/// cluster than in process).
/// </summary>
public sealed class GuardedKernelTests
{
    [Theory]
    [InlineData("ActorSim.Simulation.Runtime.Cluster.GuardedKernel", typeof(ISubdomainKernel))]
    [InlineData("ActorSim.Simulation.Runtime.Cluster.GuardedParticleKernel", typeof(IParticleKernel))]
    public void Wrappers_implement_every_member_of_the_kernel_interface_themselves(string wrapper, Type contract)
    {
        var type = typeof(SubdomainActor).Assembly.GetType(wrapper, throwOnError: true)!;
        var map = type.GetInterfaceMap(contract);
        Assert.NotEmpty(map.InterfaceMethods);
        for (int i = 0; i < map.InterfaceMethods.Length; i++)
        {
            MethodInfo target = map.TargetMethods[i];
            Assert.True(target.DeclaringType == type,
                $"{type.Name} leaves {contract.Name}.{map.InterfaceMethods[i].Name} to {target.DeclaringType?.Name}");
        }
    }
}
