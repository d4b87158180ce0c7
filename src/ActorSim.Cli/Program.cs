using ActorSim.Cli;

return await CliApp.RunAsync(args);
