using System.CommandLine;
using ActorSim.Cli.Dashboard;

namespace ActorSim.Cli.Commands;

/// <summary>The dashboard flags shared by <c>run</c> and <c>dashboard</c>.</summary>
internal sealed class DashboardOptions
{
    public Option<int> Port { get; }
    public Option<string?> Bind { get; }
    public Option<string?> Token { get; }

    public DashboardOptions(int defaultPort, params string[] aliasPrefix)
    {
        bool shortNames = aliasPrefix.Length > 0;
        Port = new Option<int>("--dashboard-port", shortNames ? ["--port"] : [])
        { Description = "Port of the dashboard's web server; 0 picks a free port. The URL is printed.", DefaultValueFactory = _ => defaultPort };
        Bind = new Option<string?>("--dashboard-bind", shortNames ? ["--bind"] : [])
        { Description = "Address to serve the dashboard on (default 127.0.0.1, this machine only). Any other address needs --dashboard-token." };
        Token = new Option<string?>("--dashboard-token", shortNames ? ["--token"] : [])
        { Description = $"Secret every request must carry (Authorization: Bearer <token>, or ?token=<token> in the page's URL) [{DashboardSettings.TokenVariable}]; required with a non-loopback --dashboard-bind." };
    }

    public IEnumerable<Option> All => [Port, Bind, Token];

    /// <summary>The settings, or null after printing why they are refused.</summary>
    public DashboardSettings? Read(ParseResult parse)
    {
        try
        {
            return DashboardSettings.From(parse.GetValue(Bind), parse.GetValue(Port), parse.GetValue(Token));
        }
        catch (DashboardConfigException e)
        {
            Console.Error.WriteLine($"actorsim: {e.Message}");
            return null;
        }
    }

    /// <summary>Prints the page's address (and how to pass the token).</summary>
    public static void PrintUrl(DashboardServer server, DashboardSettings settings)
    {
        Console.Out.WriteLine(settings.Token is null
            ? $"Dashboard: {server.Url}"
            : $"Dashboard: {server.Url} (open {server.Url}?token=<token>; API clients send Authorization: Bearer <token>)");
        Console.Out.Flush();
    }
}

/// <summary>The OpenTelemetry flags shared by <c>run</c>, <c>node</c> and <c>dashboard</c>.</summary>
internal sealed class OtlpOptions
{
    public Option<bool> Enable { get; } = new("--otlp")
    { Description = "Export metrics over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318). Off by default." };

    public Option<string?> Endpoint { get; } = new("--otlp-endpoint")
    { Description = "Export metrics over OTLP/HTTP (protobuf) to this collector URL, e.g. http://localhost:4318 (/v1/metrics is appended). Off by default." };

    public IEnumerable<Option> All => [Enable, Endpoint];

    /// <summary>Starts the exporter if asked to; false after printing why the endpoint is refused.</summary>
    public bool TryStart(ParseResult parse, string serviceName, out Telemetry? telemetry)
    {
        telemetry = null;
        try
        {
            telemetry = Telemetry.Start(parse.GetValue(Enable), parse.GetValue(Endpoint), serviceName);
            return true;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"actorsim: {e.Message}");
            return false;
        }
    }
}
