namespace ActorSim.Numerics.Tests;

/// <summary>
/// Measures the bytes an action allocates on the current thread. The runtime itself sometimes allocates on the
/// calling thread the first times a method runs hot (tiered JIT promotion, on-stack replacement of a long loop,
/// call-counting stubs): seen once in CI as 6,360 bytes during 10,000 RK4 steps that allocate nothing. Such noise
/// happens once; an allocation in the code under test happens on every call. So the action is warmed up, then
/// measured several times, and the smallest count is returned: 0 means at least one whole pass allocated nothing.
/// </summary>
public static class AllocationProbe
{
    public static long MinAllocated(Action action, int warmups = 2, int measurements = 5)
    {
        for (int i = 0; i < warmups; i++) action();
        long min = long.MaxValue;
        for (int i = 0; i < measurements && min > 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            min = Math.Min(min, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return min;
    }
}
