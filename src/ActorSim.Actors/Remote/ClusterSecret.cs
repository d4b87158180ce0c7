using System.Security.Cryptography;
using System.Text;

namespace ActorSim.Actors.Remote;

/// <summary>
/// The cluster's shared secret: the HMAC-SHA256 key every frame is signed with. There is no default: a node
/// without a secret does not start. The value is never printed.
/// </summary>
public sealed class ClusterSecret
{
    /// <summary>The environment variable <see cref="FromEnvironment"/> reads by default.</summary>
    public const string EnvironmentVariable = "ACTORSIM_CLUSTER_SECRET";

    /// <summary>Minimum secret length in bytes (UTF-8).</summary>
    public const int MinimumLength = 16;

    /// <summary>Bytes of a MAC (HMAC-SHA256).</summary>
    public const int MacBytes = 32;

    private readonly byte[] _key;

    private ClusterSecret(byte[] key) => _key = key;

    /// <summary>A secret from configuration text (UTF-8 bytes of <paramref name="secret"/>).</summary>
    /// <exception cref="ClusterConfigurationException">Missing or shorter than <see cref="MinimumLength"/> bytes.</exception>
    public static ClusterSecret FromString(string? secret, string source = "the configuration")
    {
        if (string.IsNullOrEmpty(secret))
            throw new ClusterConfigurationException(
                $"No cluster secret in {source}. Every node of a cluster needs the same shared secret (at least {MinimumLength} bytes), " +
                $"e.g. export {EnvironmentVariable}=\"$(head -c 32 /dev/urandom | base64)\" on every node; there is no default.");
        var key = Encoding.UTF8.GetBytes(secret.Trim());
        if (key.Length < MinimumLength)
            throw new ClusterConfigurationException(
                $"The cluster secret from {source} is {key.Length} bytes long; at least {MinimumLength} are required.");
        return new ClusterSecret(key);
    }

    /// <summary>A secret from the environment variable <paramref name="variable"/> (default <see cref="EnvironmentVariable"/>).</summary>
    /// <exception cref="ClusterConfigurationException">The variable is unset, empty or too short.</exception>
    public static ClusterSecret FromEnvironment(string variable = EnvironmentVariable) =>
        FromString(Environment.GetEnvironmentVariable(variable), $"the environment variable {variable}");

    /// <summary>Writes HMAC-SHA256(<paramref name="data"/>) into <paramref name="destination"/> (32 bytes).</summary>
    public void ComputeMac(ReadOnlySpan<byte> data, Span<byte> destination) => HMACSHA256.HashData(_key, data, destination);

    /// <summary>Checks a MAC in constant time.</summary>
    public bool VerifyMac(ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, data, expected);
        return mac.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    /// <summary>Never shows the secret.</summary>
    public override string ToString() => "ClusterSecret(***)";
}
