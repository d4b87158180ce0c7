namespace ActorSim.Actors.Remote;

/// <summary>The cluster settings are missing or invalid (no secret, bad node id, unreachable broker settings...).</summary>
public sealed class ClusterConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public ClusterConfigurationException(string message, Exception inner) : base(message, inner) { }
}
