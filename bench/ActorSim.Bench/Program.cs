using ActorSim.Bench;

// dotnet run -c Release --project bench/ActorSim.Bench -- <benchmark> [options]
// Each benchmark prints its figures next to the machine's measured memory bandwidth, measured in the same run.
var benchmarks = BenchmarkRegistry.All;
if (args.Length == 0 || args[0] is "-h" or "--help" or "list")
{
    Console.WriteLine("usage: dotnet run -c Release --project bench/ActorSim.Bench -- <benchmark> [options]");
    Console.WriteLine("benchmarks:");
    foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-24} {b.Description}");
    return args.Length == 0 ? 2 : 0;
}
var bench = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (bench is null)
{
    Console.Error.WriteLine($"unknown benchmark \"{args[0]}\"; known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 2;
}
Console.WriteLine(MachineInfo.Describe());
return bench.Run(args[1..]);
