using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using RabbitMQ.Client;

namespace ActorSim.Actors.Remote.RabbitMq;

/// <summary>
/// TLS to the broker (<see cref="RabbitMqOptions.Tls"/>): TLS 1.2 or 1.3, the broker's certificate checked against the
/// system trust store or, with <see cref="RabbitMqOptions.TlsCaFile"/>, against exactly the CA certificates in that
/// file; the name must match <see cref="RabbitMqOptions.TlsServerName"/> (default: the host name). Nothing is ever
/// accepted without a valid chain and name.
/// </summary>
internal static class RabbitMqTls
{
    public static SslOption CreateSslOption(RabbitMqOptions options)
    {
        var ssl = new SslOption(options.TlsServerName ?? options.HostName, enabled: true)
        {
            Version = SslProtocols.Tls12 | SslProtocols.Tls13,
        };
        if (options.TlsCaFile is { } caFile)
        {
            var roots = LoadCertificates(caFile);
            ssl.CertificateValidationCallback = (_, certificate, _, errors) => Validate(certificate, errors, roots);
        }
        return ssl;
    }

    /// <summary>Loads the CA certificates of a PEM (one or more) or DER file.</summary>
    /// <exception cref="ClusterConfigurationException">The file cannot be read or holds no certificate.</exception>
    public static X509Certificate2Collection LoadCertificates(string file)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            var text = File.ReadAllText(file);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) roots.ImportFromPem(text);
            else roots.Add(X509CertificateLoader.LoadCertificate(File.ReadAllBytes(file)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ClusterConfigurationException($"Cannot read the broker CA certificate file '{file}': {ex.Message}", ex);
        }
        if (roots.Count == 0) throw new ClusterConfigurationException($"The broker CA certificate file '{file}' holds no certificate.");
        return roots;
    }

    /// <summary>Accepts the broker's certificate only if its name matched and it chains to one of <paramref name="roots"/>.</summary>
    internal static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null) return false;
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // The certificate belongs to the caller (the TLS stream): only a copy made here is disposed here.
        if (certificate is X509Certificate2 leaf) return chain.Build(leaf);
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(copy);
    }
}
