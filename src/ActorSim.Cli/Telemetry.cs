using ActorSim.Simulation.Monitoring;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ActorSim.Cli;

/// <summary>
/// OpenTelemetry metrics: the <see cref="RunMetrics"/> meter exported over OTLP/HTTP (protobuf). Off unless
/// <c>--otlp-endpoint &lt;url&gt;</c> is given, or <c>--otlp</c> (then the standard OTEL_EXPORTER_OTLP_ENDPOINT applies,
/// default http://localhost:4318).
/// </summary>
public sealed class Telemetry : IDisposable
{
    private readonly MeterProvider _provider;

    private Telemetry(MeterProvider provider, RunMetrics metrics, Uri endpoint)
    {
        _provider = provider;
        Metrics = metrics;
        Endpoint = endpoint;
    }

    public RunMetrics Metrics { get; }

    /// <summary>The metrics URL (…/v1/metrics).</summary>
    public Uri Endpoint { get; }

    /// <summary>Starts exporting when asked to; null when OTLP is off.</summary>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http(s) URL.</exception>
    public static Telemetry? Start(bool otlp, string? endpoint, string serviceName, TimeSpan? interval = null)
    {
        return endpoint is null && !otlp ? null : StartExporting(endpoint, serviceName, interval);
    }

    /// <summary>The exporter itself, in a method of its own so that a run without OTLP does not load OpenTelemetry (start-up).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Telemetry StartExporting(string? endpoint, string serviceName, TimeSpan? interval)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        string baseUrl = endpoint ?? (string.IsNullOrEmpty(fromEnvironment) ? "http://localhost:4318" : fromEnvironment);
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new ArgumentException($"--otlp-endpoint {baseUrl}: not an http(s) URL (e.g. http://localhost:4318)");
        // OTLP/HTTP: the base URL gets /v1/metrics appended unless the path already names it.
        var metricsUri = uri.AbsolutePath.TrimEnd('/').EndsWith("/v1/metrics", StringComparison.Ordinal) ? uri : new Uri(uri, uri.AbsolutePath.TrimEnd('/') + "/v1/metrics");
        var metrics = new RunMetrics();
        var provider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName, serviceVersion: CliVersion.Value))
            .AddMeter(RunMetrics.MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = metricsUri;
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)(interval ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
            })
            .Build();
        return new Telemetry(provider, metrics, metricsUri);
    }

    public void Dispose()
    {
        _provider.ForceFlush(3000);
        _provider.Dispose();
        Metrics.Dispose();
    }
}

/// <summary>The version of actorsim.</summary>
internal static class CliVersion
{
    public static string Value { get; } = typeof(CliVersion).Assembly.GetName().Version?.ToString(3) ?? "0";
}
