namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// A message cannot be encoded or decoded because of its contract: no contract is registered for its type
/// or for the contract id in a frame, or the frame carries a newer contract version than this node knows.
/// </summary>
public sealed class WireContractException : WireFormatException
{
    /// <summary>Creates the exception.</summary>
    public WireContractException(string message, int? contractId = null, int? version = null) : base(message)
    {
        ContractId = contractId;
        Version = version;
    }

    /// <summary>The contract id concerned, when known.</summary>
    public int? ContractId { get; }

    /// <summary>The contract version found in the frame, when known.</summary>
    public int? Version { get; }
}
