using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.RabbitMq;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>The broker certificate check used with amqps:// and a CA file: only a certificate that chains to that CA and carries the right name passes.</summary>
public sealed class RabbitMqTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-tls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static X509Certificate2 Ca(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 Leaf(X509Certificate2 ca, string host)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        return request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
    }

    [Fact]
    public void Only_a_certificate_chaining_to_the_configured_CA_with_the_right_name_is_accepted()
    {
        using var ca = Ca("ActorSim test CA");
        using var other = Ca("Some other CA");
        using var leaf = Leaf(ca, "broker.test");
        var roots = new X509Certificate2Collection(ca);

        Assert.True(RabbitMqTls.Validate(leaf, SslPolicyErrors.RemoteCertificateChainErrors, roots));   // unknown to the system store, fine with the CA file
        Assert.False(RabbitMqTls.Validate(leaf, SslPolicyErrors.None, new X509Certificate2Collection(other)));
        Assert.False(RabbitMqTls.Validate(leaf, SslPolicyErrors.RemoteCertificateNameMismatch, roots));
        Assert.False(RabbitMqTls.Validate(null, SslPolicyErrors.RemoteCertificateNotAvailable, roots));
    }

    [Fact]
    public void A_CA_file_is_read_as_PEM_or_DER_and_a_bad_one_is_a_configuration_error()
    {
        using var ca = Ca("ActorSim test CA");
        var pem = Path.Combine(_dir, "ca.pem");
        File.WriteAllText(pem, ca.ExportCertificatePem());
        var der = Path.Combine(_dir, "ca.der");
        File.WriteAllBytes(der, ca.Export(X509ContentType.Cert));
        Assert.Equal(ca.Thumbprint, RabbitMqTls.LoadCertificates(pem).Single().Thumbprint);
        Assert.Equal(ca.Thumbprint, RabbitMqTls.LoadCertificates(der).Single().Thumbprint);

        var garbage = Path.Combine(_dir, "garbage.pem");
        File.WriteAllText(garbage, "not a certificate");
        Assert.Throws<ClusterConfigurationException>(() => RabbitMqTls.LoadCertificates(garbage));
        Assert.Throws<ClusterConfigurationException>(() => RabbitMqTls.LoadCertificates(Path.Combine(_dir, "missing.pem")));

        var ssl = RabbitMqTls.CreateSslOption(new RabbitMqOptions("broker.test", 5671, "v", "u", "p") { Tls = true, TlsCaFile = pem });
        Assert.True(ssl.Enabled);
        Assert.Equal("broker.test", ssl.ServerName);
        Assert.NotNull(ssl.CertificateValidationCallback);
    }
}
