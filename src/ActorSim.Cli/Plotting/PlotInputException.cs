namespace ActorSim.Cli.Plotting;

/// <summary>A run directory that cannot be plotted; the message names the file and what is wrong.</summary>
public sealed class PlotInputException(string message, Exception? inner = null) : Exception(message, inner);
