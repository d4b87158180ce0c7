namespace ActorSim.Cli.Dashboard;

/// <summary>The dashboard's web server could not start (its port is in use, the address cannot be bound).</summary>
public sealed class DashboardStartException(string message, Exception? inner = null) : Exception(message, inner);
