namespace ActorSim.Actors.Remote.RabbitMq;

/// <summary>How a node reaches the broker. <see cref="FromEnvironment"/> reads the variables that
/// <c>cluster-config/broker.sh start</c> prints.</summary>
/// <param name="HostName">Broker host.</param>
/// <param name="Port">AMQP port.</param>
/// <param name="VirtualHost">The vhost the cluster uses.</param>
/// <param name="UserName">Broker user (not <c>guest</c>).</param>
/// <param name="Password">That user's password (required; no default).</param>
public sealed record RabbitMqOptions(string HostName, int Port, string VirtualHost, string UserName, string Password)
{
    /// <summary>AMQP connection heartbeat: the broker drops a silent connection after about two of these. Default 5 s.</summary>
    public TimeSpan RequestedHeartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Unacknowledged inbound frames the broker may push ahead to this node. Default 64.</summary>
    public ushort Prefetch { get; init; } = 64;

    /// <summary>Published frames awaiting the broker's confirmation before Send's queue stops draining. Default 256.</summary>
    public int MaxOutstandingConfirms { get; init; } = 256;

    /// <summary>How long connecting may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connect with TLS (an <c>amqps://</c> broker, usually port 5671). Default false.</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// With <see cref="Tls"/>: a PEM or DER file with the CA certificate(s) the broker's certificate must chain to,
    /// instead of the system's trust store. Default null (system trust store).
    /// </summary>
    public string? TlsCaFile { get; init; }

    /// <summary>With <see cref="Tls"/>: the name the broker's certificate must carry. Default null (<see cref="HostName"/>).</summary>
    public string? TlsServerName { get; init; }

    /// <summary>
    /// Options from ACTORSIM_BROKER_HOST [127.0.0.1], ACTORSIM_BROKER_PORT [5672], ACTORSIM_BROKER_VHOST [actorsim],
    /// ACTORSIM_BROKER_USER [actorsim] and ACTORSIM_BROKER_PASSWORD or else the file named by ACTORSIM_BROKER_PASSWORD_FILE.
    /// </summary>
    /// <exception cref="ClusterConfigurationException">No password, or an invalid port.</exception>
    public static RabbitMqOptions FromEnvironment()
    {
        static string Get(string name, string fallback) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
        var portText = Get("ACTORSIM_BROKER_PORT", "5672");
        if (!int.TryParse(portText, out var port) || port is < 1 or > 65535)
            throw new ClusterConfigurationException($"ACTORSIM_BROKER_PORT='{portText}' is not a port number (1..65535).");
        var password = Environment.GetEnvironmentVariable("ACTORSIM_BROKER_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            var file = Environment.GetEnvironmentVariable("ACTORSIM_BROKER_PASSWORD_FILE");
            if (string.IsNullOrEmpty(file))
                throw new ClusterConfigurationException(
                    "No broker password: set ACTORSIM_BROKER_PASSWORD, or ACTORSIM_BROKER_PASSWORD_FILE to the file " +
                    "cluster-config/broker.sh wrote (its 'start' prints the path).");
            try
            {
                password = File.ReadAllText(file).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ClusterConfigurationException($"Cannot read the broker password file '{file}': {ex.Message}", ex);
            }
        }
        return new RabbitMqOptions(Get("ACTORSIM_BROKER_HOST", "127.0.0.1"), port,
            Get("ACTORSIM_BROKER_VHOST", "actorsim"), Get("ACTORSIM_BROKER_USER", "actorsim"), password);
    }

    /// <summary>Never shows the password.</summary>
    public override string ToString() => $"{(Tls ? "amqps" : "amqp")}://{UserName}@{HostName}:{Port}/{VirtualHost}";
}
