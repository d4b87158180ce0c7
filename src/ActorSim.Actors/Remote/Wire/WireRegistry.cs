using System.Collections.Concurrent;

namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// The explicit list of message types a node can send and receive. Lookup is by exact type for sending and
/// by contract id for receiving; nothing is ever instantiated from a type name found in a payload.
/// </summary>
public sealed class WireRegistry
{
    private readonly ConcurrentDictionary<int, WireContract> _byId = new();
    private readonly ConcurrentDictionary<Type, WireContract> _byType = new();
    private readonly object _gate = new();

    /// <summary>A registry holding the runtime's own contracts (<see cref="Status"/> replies, membership).</summary>
    public static WireRegistry CreateDefault()
    {
        var registry = new WireRegistry();
        BuiltInContracts.RegisterAll(registry);
        return registry;
    }

    /// <summary>All registered contracts.</summary>
    public IReadOnlyCollection<WireContract> Contracts => _byId.Values.ToArray();

    /// <summary>Registers the contract of <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">The id or the type is already registered.</exception>
    public WireRegistry Register<T>(int id, int version, WireEncoder<T> encode, WireDecoder<T> decode) where T : notnull =>
        Register(new WireContract<T>(id, version, encode, decode));

    /// <summary>Registers a contract.</summary>
    /// <exception cref="ArgumentException">The id or the type is already registered.</exception>
    public WireRegistry Register(WireContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        lock (_gate)
        {
            if (_byId.TryGetValue(contract.Id, out var existing))
                throw new ArgumentException($"Contract id {contract.Id} is already registered for {existing}; cannot register {contract}.", nameof(contract));
            if (_byType.TryGetValue(contract.MessageType, out existing))
                throw new ArgumentException($"{TypeNames.Of(contract.MessageType)} is already registered as {existing}.", nameof(contract));
            _byId[contract.Id] = contract;
            _byType[contract.MessageType] = contract;
        }
        return this;
    }

    /// <summary>The contract for sending a message of exactly this type.</summary>
    /// <exception cref="WireContractException">None is registered.</exception>
    public WireContract ForType(Type messageType) =>
        _byType.TryGetValue(messageType, out var contract)
            ? contract
            : throw new WireContractException(
                $"No wire contract is registered for message type {TypeNames.Of(messageType)} ({messageType.FullName}); " +
                "register one with WireRegistry.Register before sending it to another node.");

    /// <summary>The contract for receiving contract id <paramref name="id"/>, or null.</summary>
    public WireContract? ForId(int id) => _byId.TryGetValue(id, out var contract) ? contract : null;

    /// <summary>Encodes a message's fields (the payload of a frame).</summary>
    public WireContract Encode(object message, WireWriter writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        var contract = ForType(message.GetType());
        contract.EncodeObject(message, writer);
        return contract;
    }

    /// <summary>Decodes a payload of contract <paramref name="id"/> in <paramref name="version"/>.</summary>
    /// <exception cref="WireContractException">The id is unknown or the version is newer than the registered one.</exception>
    /// <exception cref="WireFormatException">The payload is malformed.</exception>
    public object Decode(int id, int version, ReadOnlySpan<byte> payload, IWireRefContext? refs = null)
    {
        var contract = ForId(id) ?? throw new WireContractException(
            $"Unknown contract id {id} (version {version}): no message type is registered for it on this node.", id, version);
        return contract.DecodeObject(payload, version, refs);
    }
}
