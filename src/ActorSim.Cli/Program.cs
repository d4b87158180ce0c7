using ActorSim.Cli;

// Commands that run actors start Akka.NET's JIT work in the background while the arguments and the scenario are read
// (`run` in process goes further: it starts its actor system itself here, EarlyActorSystem; `resume` in its action).
if (args is ["sweep" or "converge" or "force-velocity" or "node", ..]) _ = ActorSim.Actors.ActorRuntime.WarmUp();
else EarlyActorSystem.BeginIfInProcessRun(args);
return await CliApp.RunAsync(args);
