using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ActorSim.Actors.Fabric;

/// <summary>
/// Mutual TLS between nodes: each node presents its own certificate and accepts a peer only if the peer's certificate
/// chains to the cluster's CA (<see cref="TlsSettings.CaCertificatePath"/>) — the machine's trust store plays no part,
/// so a certificate from any other CA, public or private, is refused in both directions. Host names are not checked
/// (nodes are identified by their certificate's CA, and clusters often run on IP addresses).
/// </summary>
public static class ClusterTls
{
    /// <summary>The Akka.Remote setup for <paramref name="tls"/>.</summary>
    /// <exception cref="FabricConfigurationException">A certificate file is missing or unreadable, or the node certificate has no private key.</exception>
    public static DotNettySslSetup Setup(TlsSettings tls)
    {
        var (certificate, ca) = Load(tls);
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: Validator(ca));
    }

    /// <summary>The node certificate (with its private key) and the cluster CA of <paramref name="tls"/>.</summary>
    /// <exception cref="FabricConfigurationException">A certificate file is missing or unreadable, or the node certificate has no private key.</exception>
    public static (X509Certificate2 Certificate, X509Certificate2 Ca) Load(TlsSettings tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        X509Certificate2 certificate, ca;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.CertificatePassword,
                X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new FabricConfigurationException($"the node certificate '{tls.CertificatePath}' cannot be read: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new FabricConfigurationException($"the node certificate '{tls.CertificatePath}' has no private key (give a PKCS#12 file with the key)");
        try
        {
            ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaCertificatePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new FabricConfigurationException($"the cluster CA certificate '{tls.CaCertificatePath}' cannot be read: {e.Message}", e);
        }
        return (certificate, ca);
    }

    /// <summary>Accepts a peer certificate that chains to <paramref name="ca"/> alone.</summary>
    public static CertificateValidationCallback Validator(X509Certificate2 ca) =>
        (certificate, _, remotePeer, _, log) =>
        {
            bool ok = ChainsTo(certificate, ca, out string why);
            if (!ok) log?.Warning("TLS: refused the certificate of {0} ({1}): {2}", remotePeer, certificate?.Subject ?? "none", why);
            return ok;
        };

    /// <summary>Does <paramref name="certificate"/> chain to <paramref name="ca"/> (and to nothing else)?</summary>
    public static bool ChainsTo(X509Certificate2? certificate, X509Certificate2 ca, out string why)
    {
        if (certificate is null) { why = "no certificate presented"; return false; }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
        {
            why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("the chain does not build"));
            return false;
        }
        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span)) { why = "it is not issued by the cluster's CA"; return false; }
        why = "";
        return true;
    }
}

/// <summary>The fabric's settings cannot be used (a file, an address, a value); the message says which and why.</summary>
public sealed class FabricConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
