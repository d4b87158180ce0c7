using System.Globalization;
using Akka.Configuration;

namespace ActorSim.Actors.Fabric;

/// <summary>
/// The HOCON of ActorSim's cluster members: Akka.Cluster over Akka.Remote (DotNetty TCP, optionally mutual TLS), phi-accrual failure
/// detection tuned for a LAN, the split brain resolver with the <c>keep-majority</c> strategy, and serialization of
/// control messages through Hyperion restricted to an allow-list (<see cref="AllowListHyperionSerializer"/>) with
/// bulk <c>double[]</c> payloads as raw little-endian doubles (<see cref="DoubleArraySerializer"/>).
/// </summary>
/// <remarks>
/// Split brain strategy: <c>keep-majority</c>. After a partition the side with more than half of the members (the side
/// with the lowest address on a tie) keeps running and downs the other side, so two coordinator singletons can never
/// run at once; a minority side downs itself. It needs no fixed cluster size (unlike <c>static-quorum</c>) and keeps a
/// cluster of three running when one node is lost. <c>down-all-when-unstable</c> downs everything if the membership
/// keeps changing for longer than the resolver's stable-after window plus its own margin, which is safer than guessing.
/// </remarks>
public static class FabricConfig
{
    /// <summary>The actor system's name on every node.</summary>
    public const string SystemName = "actorsim";

    private const string Logging = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          # Akka's own messages go to standard error (standard output carries the commands' results).
          loggers = ["ActorSim.Actors.Fabric.StandardErrorLogger, ActorSim.Actors"]
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          actor.debug.unhandled = off
        }
        """;

    /// <summary>A cluster member with <paramref name="settings"/>.</summary>
    public static Config Cluster(FabricSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string Duration(TimeSpan t) => ((long)Math.Round(t.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
        string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Quote)) + "]";

        var roles = settings.Roles.Append(settings.IdentityRole).Distinct(StringComparer.Ordinal);
        var seeds = settings.SeedNodes.Select(s => SeedAddress(settings.Protocol, settings.SystemName, s));
        string tls = settings.Tls is { } t
            ? $$"""
              enable-ssl = true
              ssl {
                suppress-validation = false
                require-mutual-authentication = true
                validate-certificate-hostname = false
                certificate { path = {{Quote(t.CertificatePath)}}, password = {{Quote(t.CertificatePassword)}} }
              }
              """
            : "enable-ssl = false";
        string hocon = $$"""
            {{Logging}}
            akka {
              actor {
                provider = cluster
                serializers {
                  actorsim-doubles = "{{typeof(DoubleArraySerializer).FullName}}, {{typeof(DoubleArraySerializer).Assembly.GetName().Name}}"
                  actorsim-hyperion = "{{typeof(AllowListHyperionSerializer).FullName}}, {{typeof(AllowListHyperionSerializer).Assembly.GetName().Name}}"
                  actorsim-frames = "{{typeof(FrameSerializer).FullName}}, {{typeof(FrameSerializer).Assembly.GetName().Name}}"
                }
                serialization-bindings {
                  "System.Double[], System.Private.CoreLib" = actorsim-doubles
                  "System.Object" = actorsim-hyperion
                  "{{typeof(FrameMessage).FullName}}, {{typeof(FrameMessage).Assembly.GetName().Name}}" = actorsim-frames
                }
              }
              remote {
                log-remote-lifecycle-events = off
                dot-netty.tcp {
                  hostname = {{Quote(settings.Host)}}
                  {{(settings.PublicHost is { } p ? "public-hostname = " + Quote(p) : "")}}
                  port = {{settings.Port}}
                  maximum-frame-size = {{settings.MaximumFrameSize}}b
                  send-buffer-size = 4194304b
                  receive-buffer-size = 4194304b
                  {{tls}}
                }
              }
              cluster {
                seed-nodes = {{List(seeds)}}
                roles = {{List(roles)}}
                log-info = off
                # Membership changes settle in a fraction of a second instead of seconds: a submitter joins, and a
                # leaving node is removed, within a few of these rounds (Akka's defaults are 1 s each).
                gossip-interval = {{Duration(settings.GossipInterval)}}
                leader-actions-interval = {{Duration(settings.GossipInterval)}}
                unreachable-nodes-reaper-interval = 250ms
                periodic-tasks-initial-delay = {{Duration(settings.GossipInterval)}}
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  keep-majority.role = {{Quote(settings.MajorityRole ?? "")}}
                  stable-after = {{Duration(settings.StableAfter)}}
                  down-all-when-unstable = on
                }
                failure-detector {
                  heartbeat-interval = {{Duration(settings.HeartbeatInterval)}}
                  acceptable-heartbeat-pause = {{Duration(settings.AcceptableHeartbeatPause)}}
                  threshold = 8.0
                  expected-response-after = {{Duration(settings.HeartbeatInterval)}}
                }
                run-coordinated-shutdown-when-down = on
              }
              # A node leaves the cluster explicitly (Cluster.Leave) before it stops; terminating the actor system
              # without that is a crash as far as the others can tell (used by the failure tests).
              coordinated-shutdown.run-by-actor-system-terminate = off
              # SIGTERM and Ctrl-C belong to the host (actorsim node leaves, then stops); Akka must not act on them itself.
              coordinated-shutdown.run-by-clr-shutdown-hook = off
              coordinated-shutdown.exit-clr = off
            }
            """;
        return ConfigurationFactory.ParseString(hocon);
    }

    /// <summary>The Akka address of a seed given as <c>host:port</c> (or already as an <c>akka.tcp://</c> / <c>akka.ssl.tcp://</c> address).</summary>
    public static string SeedAddress(string protocol, string systemName, string seed)
    {
        if (seed.StartsWith("akka.", StringComparison.Ordinal) && seed.Contains("://", StringComparison.Ordinal)) return seed;
        int colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new FormatException($"seed node \"{seed}\" is not host:port (e.g. 127.0.0.1:4053)");
        return $"{protocol}://{systemName}@{seed}";
    }
}
