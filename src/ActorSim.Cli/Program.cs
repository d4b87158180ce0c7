using ActorSim.Cli;
using ActorSim.Simulation.Runtime;

// ACTORSIM_TRACE_STARTUP=2 also names every assembly as it loads (docs/startup.md): what start-up loads before the run.
// The first line starts the trace (it reads the process's start time, loading assemblies of its own) before the
// handler is added, so that no assembly line is written while the trace itself is still being set up.
if (Environment.GetEnvironmentVariable(StartupTrace.Variable) == "2")
{
    StartupTrace.Note("program");
    AppDomain.CurrentDomain.AssemblyLoad += (_, e) => StartupTrace.Note($"(assembly {e.LoadedAssembly.GetName().Name})");
}

// Commands that run actors start Akka.NET's JIT work in the background while the arguments and the scenario are read
// (`run` in process goes further: it starts its actor system itself here, EarlyActorSystem; `resume` in its action).
if (args is ["sweep" or "converge" or "force-velocity" or "node", ..]) _ = ActorSim.Actors.ActorRuntime.WarmUp();
else EarlyActorSystem.BeginIfInProcessRun(args);
return await CliApp.RunAsync(args);
