using ActorSim.Cli;

// Commands that run actors start Akka.NET's JIT work in the background while the arguments and the scenario are read
// (`run` and `resume` in process go further: they start their actor system itself early, ActorSystemPrestart).
if (args is ["sweep" or "converge" or "force-velocity" or "node", ..]) _ = ActorSim.Actors.ActorRuntime.WarmUp();
return await CliApp.RunAsync(args);
