using System.Runtime.InteropServices;

namespace ActorSim.Bench;

/// <summary>A one-paragraph description of the machine, printed before every benchmark.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        return $"machine: {cpu}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
               $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB available";
    }
}
