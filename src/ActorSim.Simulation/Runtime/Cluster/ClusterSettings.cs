using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorSim.Actors.Fabric;
using ActorSim.Actors.Remote;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The settings of a cluster node (<c>actorsim node</c>) or a submitter (<c>actorsim run --cluster</c>), as
/// <see cref="ClusterSettingsLoader"/> resolved them from command-line flags, ACTORSIM_* environment variables, the
/// config file (HOCON <c>.conf</c>, or JSON) and defaults (in that order of precedence). The cluster secret and the TLS
/// password are never printed.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The cluster id: nodes with the same id and secret, reachable through the same seed nodes, form one cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>
    /// How this node joins the Akka.NET cluster: bind address and port, seed nodes, failure detection, TLS. Its node id and
    /// roles are filled in by the transport from <see cref="NodeName"/> and <see cref="Roles"/>.
    /// </summary>
    public required FabricSettings Fabric { get; init; }

    /// <summary>The cluster's shared HMAC secret.</summary>
    public required ClusterSecret Secret { get; init; }

    /// <summary>This node's name (its id in the cluster).</summary>
    public required string NodeName { get; init; }

    /// <summary>The node's roles: <c>coordinator</c> (can lead and coordinate runs), <c>worker</c> (hosts blocks).</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>The checkpoint directory (shared by all nodes for checkpoint/restart, or this node's own with node-local storage; created if missing).</summary>
    public required string CheckpointDirectory { get; init; }

    /// <summary>The value of <see cref="CheckpointStorage"/> for one checkpoint directory shared by every node (the default).</summary>
    public const string SharedStorage = "shared";

    /// <summary>The value of <see cref="CheckpointStorage"/> for node-local directories with buddy copies in memory.</summary>
    public const string NodeLocalStorage = "node-local";

    /// <summary>
    /// Where a submitted run's checkpoints live: <see cref="SharedStorage"/> (every node reaches <see cref="CheckpointDirectory"/>,
    /// a shared file system) or <see cref="NodeLocalStorage"/> (each node its own directory; block states are also kept in a
    /// buddy node's memory and manifests on every node). Read by the submitter.
    /// </summary>
    public string CheckpointStorage { get; init; } = SharedStorage;

    /// <summary>Membership heartbeat interval.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A member silent for this long counts as crashed (a killed process is noticed sooner, from its vanished inbox).</summary>
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a submitter waits for a leader and for enough workers.</summary>
    public TimeSpan SubmitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="BalanceThreshold"/>.</summary>
    public const double DefaultBalanceThreshold = 1.2;

    /// <summary>
    /// Load balancing of a submitted run (config <c>balance_threshold</c>): when the imbalance (max / mean block compute
    /// time) stays above it, the blocks are re-placed at the next step (<see cref="LoadBalancer"/>); 0: never.
    /// </summary>
    public double BalanceThreshold { get; init; } = DefaultBalanceThreshold;

    /// <summary>
    /// Gathering over a tree of the worker nodes (config <c>gather_tree_blocks</c>): a particle-block run this node
    /// coordinates (as the leader) with at least this many blocks, spread over several nodes, gathers the blocks' replies
    /// over a tree with one node per worker node (<see cref="NodeGatherTree"/>); 0 (the default): never. Read by the leader.
    /// </summary>
    public int GatherTreeBlocks { get; init; }

    /// <summary>The default of <see cref="GatherTreeTimeout"/>, in seconds.</summary>
    public const double DefaultGatherTreeTimeoutSeconds = 600;

    /// <summary>
    /// How long the root of a run's gather tree waits for a round (config <c>gather_tree_timeout_s</c>) before the epoch
    /// ends as interrupted, naming the silent node (a node that crashed is noticed sooner by the membership). Read by the leader.
    /// </summary>
    public TimeSpan GatherTreeTimeout { get; init; } = TimeSpan.FromSeconds(DefaultGatherTreeTimeoutSeconds);

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
        $"cluster '{ClusterId}' through seed nodes {SeedDescription}, node '{NodeName}' ({string.Join(", ", Roles)}) on {Fabric.Host}:{Fabric.Port}" +
        $"{(Fabric.Tls is null ? "" : " with mutual TLS")}, checkpoints in {CheckpointDirectory}";

    /// <summary>The seed nodes as a comma-separated list (for logs and run.json).</summary>
    public string SeedDescription => string.Join(", ", Fabric.SeedNodes);

    /// <summary>The cluster transport of a node (a submitter listens on any free port and never leads).</summary>
    public AkkaClusterTransport CreateTransport(bool submitter = false) =>
        new(submitter ? Fabric with { Port = 0, FramesPort = 0 } : Fabric, submitter, JoinTimeout);

    /// <summary>How long a node or submitter waits to join the cluster through its seed nodes.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);
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
        "description", "cluster", "seed_nodes", "host", "port", "frames_port", "public_host", "tls_certificate", "tls_password_file", "tls_ca",
        "secret", "secret_file", "node_name", "roles", "checkpoint_dir", "checkpoint_storage", "heartbeat_ms", "failure_timeout_ms", "unreachable_after_ms",
        "down_after_ms", "join_timeout_s", "submit_timeout_s", "balance_threshold",
        "gather_tree_blocks", "gather_tree_timeout_s",
    ];

    /// <summary>The default seed node: a node on this machine listening on <see cref="DefaultPort"/>.</summary>
    public const string DefaultSeed = "127.0.0.1:4053";

    /// <summary>The default port of a node (the port of the default seed).</summary>
    public const int DefaultPort = 4053;

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
                string text = File.ReadAllText(configFile);
                if (IsHocon(configFile)) file = HoconSettings.Read(text, configFile);
                else
                {
                    var node = JsonNode.Parse(text,
                        documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                    file = node as JsonObject ?? throw new ClusterConfigurationException($"{configFile}: the config must be a JSON object.");
                }
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
                if (v is JsonArray array && key is "roles" or "seed_nodes")
                {
                    var items = array.Select(x => x is JsonValue xv && xv.TryGetValue(out string? r) ? r : null).ToArray();
                    if (items.Any(x => x is null)) { errors.Add($"{where}: {key}: must be a list of strings"); return null; }
                    return (string.Join(",", items), $"{where}: {key}", baseDir);
                }
                errors.Add($"{where}: {key}: expected a {(key is "roles" or "seed_nodes" ? "list of strings" : "string or number")}, got {v.ToJsonString()}");
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
        var submitTimeout = TimeSpan.FromSeconds(Number("submit_timeout_s", "ACTORSIM_SUBMIT_TIMEOUT_S", 30, 0));
        double balanceThreshold = Number("balance_threshold", "ACTORSIM_BALANCE_THRESHOLD", ClusterSettings.DefaultBalanceThreshold, 0);
        if (balanceThreshold is > 0 and < 1)
            errors.Add($"balance_threshold ({balanceThreshold.ToString(CultureInfo.InvariantCulture)}) must be 0 (no load balancing) or at least 1 " +
                       "(the imbalance, max / mean block compute time, is never below 1)");
        double gatherTree = Number("gather_tree_blocks", "ACTORSIM_GATHER_TREE_BLOCKS", 0, 0);
        if (gatherTree != Math.Floor(gatherTree) || gatherTree > int.MaxValue)
            errors.Add($"gather_tree_blocks ({gatherTree.ToString(CultureInfo.InvariantCulture)}) must be a whole number of blocks " +
                       "(0: no gather tree; n: runs with at least n blocks gather over a tree of the worker nodes)");
        var gatherTreeTimeout = TimeSpan.FromSeconds(Number("gather_tree_timeout_s", "ACTORSIM_GATHER_TREE_TIMEOUT_S",
            ClusterSettings.DefaultGatherTreeTimeoutSeconds, 0.1));

        // checkpoint directory
        var checkpoints = PathValue("checkpoint_dir", "ACTORSIM_CHECKPOINT_DIR")
                          ?? Path.Combine(StateHome(environment), "actorsim", "checkpoints", clusterId);
        var storage = Get("checkpoint_storage", "ACTORSIM_CHECKPOINT_STORAGE");
        string checkpointStorage = storage?.Text ?? ClusterSettings.SharedStorage;
        if (checkpointStorage is not (ClusterSettings.SharedStorage or ClusterSettings.NodeLocalStorage))
            errors.Add($"{storage!.Value.Source}: '{checkpointStorage}' is not a checkpoint storage; use '{ClusterSettings.SharedStorage}' (one directory every node reaches) " +
                       $"or '{ClusterSettings.NodeLocalStorage}' (each node's own directory, with buddy copies in memory)");

        // the Akka.NET fabric: where this node listens and which seeds it joins through
        var host = ExpandVariables(Get("host", "ACTORSIM_HOST")?.Text ?? "127.0.0.1", environment);
        if (host.Length == 0 || host.Any(char.IsWhiteSpace)) errors.Add($"host: '{host}' is not a host name or IP address");
        var publicHost = Get("public_host", "ACTORSIM_PUBLIC_HOST")?.Text is { } ph ? ExpandVariables(ph, environment) : null;
        if (publicHost is { Length: 0 }) errors.Add("public_host: empty after expanding environment variables");
        int port = (int)Number("port", "ACTORSIM_PORT", DefaultPort, 0);
        if (port > 65535) errors.Add($"port: {port} is not a TCP port (0 to 65535; 0 picks any free port)");
        int framesPort = (int)Number("frames_port", "ACTORSIM_FRAMES_PORT", 0, 0);
        if (framesPort > 65535) errors.Add($"frames_port: {framesPort} is not a TCP port (0 to 65535; 0 picks any free port)");
        if (framesPort != 0 && framesPort == port) errors.Add($"frames_port: {framesPort} is also the cluster port; give each its own");
        var seedText = Get("seed_nodes", "ACTORSIM_SEED_NODES");
        var seeds = (seedText?.Text ?? DefaultSeed).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var seed in seeds)
        {
            try
            {
                FabricConfig.SeedAddress("akka.tcp", FabricConfig.SystemName, seed);
            }
            catch (FormatException e)
            {
                errors.Add($"{seedText?.Source ?? "seed_nodes"}: {e.Message}");
            }
        }
        if (seeds.Length == 0) errors.Add($"{seedText?.Source ?? "seed_nodes"}: give at least one seed node host:port");
        var unreachableAfter = TimeSpan.FromMilliseconds(Number("unreachable_after_ms", "ACTORSIM_UNREACHABLE_AFTER_MS", 1500, 200));
        var downAfter = TimeSpan.FromMilliseconds(Number("down_after_ms", "ACTORSIM_DOWN_AFTER_MS", 2000, 100));
        var joinTimeout = TimeSpan.FromSeconds(Number("join_timeout_s", "ACTORSIM_JOIN_TIMEOUT_S", 30, 1));
        TlsSettings? tls = null;
        var certificate = PathValue("tls_certificate", "ACTORSIM_TLS_CERTIFICATE");
        var ca = PathValue("tls_ca", "ACTORSIM_TLS_CA");
        if (certificate is not null || ca is not null)
        {
            if (certificate is null || ca is null)
                errors.Add("mutual TLS needs both tls_certificate (this node's PKCS#12 file) and tls_ca (the cluster CA's certificate); " +
                           "cluster-config/make-certs.sh makes them");
            string? tlsPassword = environment("ACTORSIM_TLS_PASSWORD") is { Length: > 0 } tp ? tp : null;
            if (tlsPassword is null && Get("tls_password_file", "ACTORSIM_TLS_PASSWORD_FILE") is { } tpf)
            {
                var path = ExpandPath(tpf.Text, tpf.BaseDir);
                try
                {
                    tlsPassword = File.ReadAllText(path).Trim();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    errors.Add($"{tpf.Source}: cannot read the TLS password file '{path}': {ex.Message}");
                }
            }
            foreach (var (file_, what) in new[] { (certificate, "tls_certificate"), (ca, "tls_ca") })
                if (file_ is not null && !File.Exists(file_)) errors.Add($"{what}: the file '{file_}' does not exist (cluster-config/make-certs.sh makes it)");
            if (certificate is not null && ca is not null) tls = new TlsSettings(certificate, tlsPassword ?? "", ca);
        }

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
            Fabric = new FabricSettings(nodeName, host, port, seeds, [])
            {
                PublicHost = publicHost,
                FramesPort = framesPort,
                Tls = tls,
                HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Min(heartbeat.TotalMilliseconds, unreachableAfter.TotalMilliseconds / 4)),
                AcceptableHeartbeatPause = unreachableAfter,
                StableAfter = downAfter,
            },
            JoinTimeout = joinTimeout,
            Secret = secret!,
            NodeName = nodeName,
            Roles = roles,
            CheckpointDirectory = checkpoints,
            CheckpointStorage = checkpointStorage,
            HeartbeatInterval = heartbeat,
            FailureTimeout = failureTimeout,
            SubmitTimeout = submitTimeout,
            BalanceThreshold = balanceThreshold,
            GatherTreeBlocks = gatherTree == Math.Floor(gatherTree) && gatherTree <= int.MaxValue ? (int)gatherTree : 0,
            GatherTreeTimeout = gatherTreeTimeout,
            ConfigFile = configFile,
        };
    }

    private static bool IsHocon(string file) =>
        file.EndsWith(".conf", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".hocon", StringComparison.OrdinalIgnoreCase);

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

    /// <summary>Replaces <c>$VAR</c> and <c>${VAR}</c> with the environment's values (unset: empty).</summary>
    public static string ExpandVariables(string text, Func<string, string?> environment) => EnvironmentReference().Replace(text, m =>
        environment(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) ?? "");

    /// <summary>Expands a leading <c>~/</c> and <c>$VAR</c> / <c>${VAR}</c>, and makes a relative path absolute against <paramref name="baseDir"/>.</summary>
    public static string ExpandPath(string path, string baseDir)
    {
        var expanded = ExpandVariables(path, Environment.GetEnvironmentVariable);
        if (expanded == "~" || expanded.StartsWith("~/", StringComparison.Ordinal))
            expanded = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), expanded.Length > 2 ? expanded[2..] : "");
        return Path.GetFullPath(expanded, baseDir);
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex EnvironmentReference();
}
