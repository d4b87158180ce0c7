using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.RabbitMq;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The settings of a cluster node (<c>actorsim node</c>) or a submitter (<c>actorsim run --cluster</c>), as
/// <see cref="ClusterSettingsLoader"/> resolved them from command-line flags, ACTORSIM_* environment variables, the
/// JSON config file and defaults (in that order of precedence). The broker password and the cluster secret are never
/// printed.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The cluster id: nodes with the same id, broker vhost and secret form one cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>The broker URL without a password, e.g. <c>amqp://actorsim@127.0.0.1:5672/actorsim</c>.</summary>
    public required string BrokerUrl { get; init; }

    /// <summary>How to reach the broker (password included).</summary>
    public required RabbitMqOptions Broker { get; init; }

    /// <summary>The cluster's shared HMAC secret.</summary>
    public required ClusterSecret Secret { get; init; }

    /// <summary>This node's name (its id in the cluster).</summary>
    public required string NodeName { get; init; }

    /// <summary>The node's roles: <c>coordinator</c> (can lead and coordinate runs), <c>worker</c> (hosts blocks).</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>The checkpoint directory (shared by all nodes for checkpoint/restart; created if missing).</summary>
    public required string CheckpointDirectory { get; init; }

    /// <summary>Membership heartbeat interval.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A member silent for this long counts as crashed (a killed process is noticed sooner, from its vanished inbox).</summary>
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a submitter waits for a leader and for enough workers.</summary>
    public TimeSpan SubmitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The config file the settings came from, or null.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Whether the node can be elected leader (has the coordinator role).</summary>
    public bool IsCoordinatorCandidate => Roles.Contains(NodeRoles.Coordinator);

    /// <summary>The cluster options of a node named <paramref name="nodeId"/>.</summary>
    public ClusterOptions NodeOptions(string nodeId, bool leaderCandidate) => new(ClusterId, nodeId, Secret)
    {
        HeartbeatInterval = HeartbeatInterval,
        FailureTimeout = FailureTimeout,
        LeaderCandidate = leaderCandidate,
    };

    /// <summary>Never shows secrets.</summary>
    public override string ToString() =>
        $"cluster '{ClusterId}' at {BrokerUrl}, node '{NodeName}' ({string.Join(", ", Roles)}), checkpoints in {CheckpointDirectory}";
}

/// <summary>
/// Reads cluster settings: each value comes from its command-line flag, else its ACTORSIM_* environment variable,
/// else the JSON config file, else its default (see <c>cluster-config/README.md</c> for the reference). Every problem
/// is collected and reported together with the file and key.
/// </summary>
public static partial class ClusterSettingsLoader
{
    /// <summary>The keys a config file may hold.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "description", "cluster", "broker_url", "broker_password_file", "broker_ca_file", "broker_heartbeat_s", "broker_connect_timeout_s",
        "secret", "secret_file", "node_name", "roles", "checkpoint_dir", "heartbeat_ms", "failure_timeout_ms", "submit_timeout_s",
    ];

    /// <summary>The default broker URL (what <c>cluster-config/broker.sh start</c> sets up).</summary>
    public const string DefaultBrokerUrl = "amqp://actorsim@127.0.0.1:5672/actorsim";

    /// <summary>Loads the settings.</summary>
    /// <param name="configFile">The JSON config file, or null (flags, environment and defaults only).</param>
    /// <param name="flags">Command-line values by config key (null values are ignored).</param>
    /// <param name="environment">Reads an environment variable; default <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="ClusterConfigurationException">Every problem found, one per line.</exception>
    public static ClusterSettings Load(string? configFile, IReadOnlyDictionary<string, string?>? flags = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        flags ??= new Dictionary<string, string?>();
        var errors = new List<string>();
        var where = configFile ?? "(no config file)";
        JsonObject file = new();
        string baseDir = Directory.GetCurrentDirectory();
        if (configFile is not null)
        {
            baseDir = Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? baseDir;
            try
            {
                var node = JsonNode.Parse(File.ReadAllText(configFile),
                    documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                file = node as JsonObject ?? throw new ClusterConfigurationException($"{configFile}: the config must be a JSON object.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ClusterConfigurationException($"{configFile}: cannot read the cluster config: {ex.Message}", ex);
            }
            catch (JsonException ex)
            {
                throw new ClusterConfigurationException($"{configFile}: not valid JSON (line {ex.LineNumber + 1}): {ex.Message.Split(". ")[0]}", ex);
            }
            foreach (var (key, _) in file)
                if (!Keys.Contains(key)) errors.Add($"{configFile}: unknown key \"{key}\"; known keys: {string.Join(", ", Keys)}");
        }

        // Each value with where it came from: (text, source description, base directory for relative paths).
        (string Text, string Source, string BaseDir)? Get(string key, string? env)
        {
            if (flags.TryGetValue(key, out var f) && f is not null) return (f, $"--{key.Replace('_', '-')}", Directory.GetCurrentDirectory());
            if (env is not null && environment(env) is { Length: > 0 } e) return (e, env, Directory.GetCurrentDirectory());
            if (file[key] is { } v)
            {
                if (v is JsonValue jv && jv.TryGetValue(out string? s)) return (s, $"{where}: {key}", baseDir);
                if (v is JsonValue num && num.GetValueKind() == JsonValueKind.Number) return (num.ToJsonString(), $"{where}: {key}", baseDir);
                if (v is JsonArray array && key == "roles")
                {
                    var items = array.Select(x => x is JsonValue xv && xv.TryGetValue(out string? r) ? r : null).ToArray();
                    if (items.Any(x => x is null)) { errors.Add($"{where}: roles: must be an array of strings"); return null; }
                    return (string.Join(",", items), $"{where}: {key}", baseDir);
                }
                errors.Add($"{where}: {key}: expected a {(key == "roles" ? "list of strings" : "string or number")}, got {v.ToJsonString()}");
            }
            return null;
        }

        double Number(string key, string env, double fallback, double min)
        {
            if (Get(key, env) is not { } v) return fallback;
            if (!double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || x < min)
            {
                errors.Add($"{v.Source}: '{v.Text}' is not a number >= {min.ToString(CultureInfo.InvariantCulture)}");
                return fallback;
            }
            return x;
        }

        string? PathValue(string key, string env) => Get(key, env) is { } v ? ExpandPath(v.Text, v.BaseDir) : null;

        // cluster id and node name
        var clusterId = Get("cluster", "ACTORSIM_CLUSTER") is { } c ? CheckId(c.Text, c.Source, errors) : "actorsim";
        var nodeName = Get("node_name", "ACTORSIM_NODE_NAME") is { } n ? CheckId(n.Text, n.Source, errors) : DefaultNodeName();

        // roles
        IReadOnlyList<string> roles = NodeRoles.All;
        if (Get("roles", "ACTORSIM_NODE_ROLES") is { } r)
        {
            var list = r.Text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
            var unknown = list.Where(x => !NodeRoles.All.Contains(x)).ToArray();
            if (list.Length == 0 || unknown.Length > 0)
                errors.Add($"{r.Source}: roles must be one or both of {string.Join(", ", NodeRoles.All)}" +
                           (unknown.Length > 0 ? $" (unknown: {string.Join(", ", unknown)})" : " (got none)"));
            else roles = list;
        }

        // timings
        var heartbeat = TimeSpan.FromMilliseconds(Number("heartbeat_ms", "ACTORSIM_HEARTBEAT_MS", 250, 10));
        var failureTimeout = TimeSpan.FromMilliseconds(Number("failure_timeout_ms", "ACTORSIM_FAILURE_TIMEOUT_MS", 5000, 20));
        if (failureTimeout < heartbeat * 2)
            errors.Add($"failure_timeout_ms ({failureTimeout.TotalMilliseconds}) must be at least twice heartbeat_ms ({heartbeat.TotalMilliseconds})");
        var brokerHeartbeat = TimeSpan.FromSeconds(Number("broker_heartbeat_s", "ACTORSIM_BROKER_HEARTBEAT_S", 5, 1));
        var connectTimeout = TimeSpan.FromSeconds(Number("broker_connect_timeout_s", "ACTORSIM_BROKER_CONNECT_TIMEOUT_S", 10, 0.1));
        var submitTimeout = TimeSpan.FromSeconds(Number("submit_timeout_s", "ACTORSIM_SUBMIT_TIMEOUT_S", 30, 0));

        // checkpoint directory
        var checkpoints = PathValue("checkpoint_dir", "ACTORSIM_CHECKPOINT_DIR")
                          ?? Path.Combine(StateHome(environment), "actorsim", "checkpoints", clusterId);

        // broker
        var url = Get("broker_url", "ACTORSIM_BROKER_URL") ?? (DefaultBrokerUrl, "the default broker_url", baseDir);
        RabbitMqOptions? broker = null;
        string displayUrl = url.Text;
        if (TryParseBrokerUrl(url.Text, out var parsed, out var urlPassword, out var urlError))
        {
            displayUrl = parsed.ToString();
            string? password = environment("ACTORSIM_BROKER_PASSWORD") is { Length: > 0 } p ? p : null;
            if (password is null && Get("broker_password_file", "ACTORSIM_BROKER_PASSWORD_FILE") is { } pf)
            {
                var path = ExpandPath(pf.Text, pf.BaseDir);
                try
                {
                    password = File.ReadAllText(path).Trim();
                    if (password.Length == 0) errors.Add($"{pf.Source}: the broker password file '{path}' is empty");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    errors.Add($"{pf.Source}: cannot read the broker password file '{path}': {ex.Message}");
                }
            }
            password ??= urlPassword;
            if (string.IsNullOrEmpty(password))
                errors.Add("no broker password: set broker_password_file in the config (cluster-config/broker.sh start prints the file), " +
                           "or ACTORSIM_BROKER_PASSWORD_FILE / ACTORSIM_BROKER_PASSWORD in the environment; there is no default");
            var ca = PathValue("broker_ca_file", "ACTORSIM_BROKER_CA_FILE");
            if (ca is not null && !parsed.Tls) errors.Add($"broker_ca_file is set but the broker URL {displayUrl} is not amqps://");
            broker = parsed with
            {
                Password = password ?? "",
                RequestedHeartbeat = brokerHeartbeat,
                ConnectTimeout = connectTimeout,
                TlsCaFile = ca,
            };
        }
        else errors.Add($"{url.Source}: {urlError}");

        // secret: environment, else a secret file, else the config's literal secret; never a default
        ClusterSecret? secret = null;
        try
        {
            if (environment(ClusterSecret.EnvironmentVariable) is { Length: > 0 })
                secret = ClusterSecret.FromString(environment(ClusterSecret.EnvironmentVariable), $"the environment variable {ClusterSecret.EnvironmentVariable}");
            else if (Get("secret_file", "ACTORSIM_CLUSTER_SECRET_FILE") is { } sf)
            {
                var path = ExpandPath(sf.Text, sf.BaseDir);
                string text;
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new ClusterConfigurationException($"{sf.Source}: cannot read the cluster secret file '{path}': {ex.Message}", ex);
                }
                secret = ClusterSecret.FromString(text, $"the secret file '{path}' ({sf.Source})");
            }
            else if (file["secret"] is JsonValue sv && sv.TryGetValue(out string? literal))
                secret = ClusterSecret.FromString(literal, $"{where}: secret");
            else
                secret = ClusterSecret.FromString(null, $"{where}, {ClusterSecret.EnvironmentVariable} or ACTORSIM_CLUSTER_SECRET_FILE");
        }
        catch (ClusterConfigurationException ex)
        {
            errors.Add(ex.Message);
        }

        if (errors.Count > 0)
            throw new ClusterConfigurationException(
                $"Invalid cluster settings ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));

        return new ClusterSettings
        {
            ClusterId = clusterId,
            BrokerUrl = displayUrl,
            Broker = broker!,
            Secret = secret!,
            NodeName = nodeName,
            Roles = roles,
            CheckpointDirectory = checkpoints,
            HeartbeatInterval = heartbeat,
            FailureTimeout = failureTimeout,
            SubmitTimeout = submitTimeout,
            ConfigFile = configFile,
        };
    }

    /// <summary>
    /// Parses <c>amqp://user[:password]@host[:port]/vhost</c> or <c>amqps://…</c> (TLS; default port 5671). The vhost is
    /// the URL-decoded path (an empty path is RabbitMQ's default vhost "/"); the user is required and may not be guest.
    /// </summary>
    public static bool TryParseBrokerUrl(string url, out RabbitMqOptions options, out string? password, out string error)
    {
        options = null!;
        password = null;
        error = "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            error = $"'{url}' is not a broker URL; expected amqp://user@host:port/vhost (or amqps:// for TLS)";
            return false;
        }
        var userInfo = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(userInfo[0]);
        if (user.Length == 0)
        {
            error = $"'{RedactPassword(url)}' names no broker user; expected amqp://user@host:port/vhost";
            return false;
        }
        if (user == "guest")
        {
            error = "the broker user must not be 'guest' (cluster-config/broker.sh creates a user of its own)";
            return false;
        }
        if (userInfo.Length == 2) password = Uri.UnescapeDataString(userInfo[1]);
        bool tls = uri.Scheme == "amqps";
        int port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 5671 : 5672) : uri.Port;
        var path = uri.AbsolutePath.TrimStart('/');
        var vhost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        options = new RabbitMqOptions(uri.Host, port, vhost, user, "") { Tls = tls };
        return true;
    }

    private static string RedactPassword(string url) => PasswordInUrl().Replace(url, "$1:***@");

    [GeneratedRegex("^(amqps?://[^:/@]*):[^@]*@")]
    private static partial Regex PasswordInUrl();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex IdPattern();

    private static string CheckId(string id, string source, List<string> errors)
    {
        if (!IdPattern().IsMatch(id)) errors.Add($"{source}: '{id}' is not a valid id: use 1 to 100 letters, digits, '.', '_' or '-'");
        return id;
    }

    /// <summary>The host name, reduced to the characters a node id may have.</summary>
    public static string DefaultNodeName()
    {
        var name = new string(Environment.MachineName.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' ? ch : '-').ToArray());
        return name.Length is > 0 and <= 100 ? name : "node";
    }

    private static string StateHome(Func<string, string?> environment) =>
        environment("XDG_STATE_HOME") is { Length: > 0 } state ? state
            : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");

    /// <summary>Expands a leading <c>~/</c> and <c>$VAR</c> / <c>${VAR}</c>, and makes a relative path absolute against <paramref name="baseDir"/>.</summary>
    public static string ExpandPath(string path, string baseDir)
    {
        var expanded = EnvironmentReference().Replace(path, m =>
            Environment.GetEnvironmentVariable(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) ?? "");
        if (expanded == "~" || expanded.StartsWith("~/", StringComparison.Ordinal))
            expanded = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), expanded.Length > 2 ? expanded[2..] : "");
        return Path.GetFullPath(expanded, baseDir);
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex EnvironmentReference();
}
