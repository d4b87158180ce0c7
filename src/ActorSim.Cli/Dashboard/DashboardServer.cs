using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ActorSim.Simulation.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSim.Cli.Dashboard;

/// <summary>The dashboard's settings was refused (e.g. a non-loopback address without a token).</summary>
public sealed class DashboardConfigException(string message) : Exception(message);

/// <summary>Where the dashboard listens and who may see it.</summary>
/// <param name="Bind">The address (default 127.0.0.1). Anything but loopback needs <paramref name="Token"/>.</param>
/// <param name="Port">The port; 0 picks a free one.</param>
/// <param name="Token">When set, every request must carry it (<c>Authorization: Bearer …</c> or <c>?token=…</c>).</param>
public sealed record DashboardSettings(IPAddress Bind, int Port, string? Token)
{
    /// <summary>The default port of <c>actorsim dashboard</c> and <c>run --dashboard</c>.</summary>
    public const int DefaultPort = 7878;

    /// <summary>The environment variable a token can come from.</summary>
    public const string TokenVariable = "ACTORSIM_DASHBOARD_TOKEN";

    /// <summary>Checks and builds the settings from command-line values.</summary>
    /// <exception cref="DashboardConfigException">A bad address or port, or a non-loopback address without a token.</exception>
    public static DashboardSettings From(string? bind, int port, string? token)
    {
        token = string.IsNullOrEmpty(token) ? Environment.GetEnvironmentVariable(TokenVariable) : token;
        if (string.IsNullOrEmpty(token)) token = null;
        IPAddress address;
        if (string.IsNullOrEmpty(bind) || bind == "localhost") address = IPAddress.Loopback;
        else if (!IPAddress.TryParse(bind, out address!))
            throw new DashboardConfigException($"--dashboard-bind {bind}: not an IP address (use 127.0.0.1, ::1, 0.0.0.0 or an address of this machine)");
        if (port is < 0 or > 65535) throw new DashboardConfigException($"--dashboard-port {port}: not a port (0 … 65535; 0 picks a free one)");
        if (!IPAddress.IsLoopback(address) && token is null)
            throw new DashboardConfigException(
                $"--dashboard-bind {address}: serving the dashboard beyond this machine (not a loopback address) needs a token: pass --dashboard-token <secret> or set {TokenVariable}; every request must then carry it");
        if (token is not null && token.Length < 8) throw new DashboardConfigException("--dashboard-token: use at least 8 characters");
        return new DashboardSettings(address, port, token);
    }
}

/// <summary>
/// The dashboard's web server (Kestrel, minimal APIs): <c>/</c> the page (embedded: uPlot and our script, no CDN),
/// <c>/api/snapshot</c> everything so far (nodes, runs with history and events), <c>/api/layout</c> the charts to draw
/// for a run's columns and field (<see cref="DashboardLayout"/>), <c>/api/events</c> live updates as
/// server-sent events (<c>record</c>, <c>event</c>, <c>field</c>, <c>info</c>, <c>nodes</c>). With a token every request
/// needs it, else 401.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The page's address (without the token).</summary>
    public Uri Url { get; }

    public static async Task<DashboardServer> StartAsync(IMonitorSource source, DashboardSettings settings, CancellationToken cancellation = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(settings.Bind, settings.Port));
        var app = builder.Build();

        if (settings.Token is { } token)
        {
            byte[] expected = Encoding.UTF8.GetBytes(token);
            app.Use(async (context, next) =>
            {
                string? given = context.Request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
                    ? auth[7..]
                    : context.Request.Query["token"].ToString();
                if (string.IsNullOrEmpty(given) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await context.Response.WriteAsync("401: this dashboard needs its token (Authorization: Bearer <token>, or ?token=<token>)\n");
                    return;
                }
                await next(context);
            });
        }

        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/favicon.ico", () => Results.NoContent());
        app.MapGet("/app.css", () => Asset("app.css", "text/css; charset=utf-8"));
        app.MapGet("/api/snapshot", () => Results.Text(SnapshotJson(source.Snapshot()), "application/json; charset=utf-8"));
        app.MapGet("/api/layout", (string? run, string? columns, string? field, string? shape) =>
        {
            int[]? dims = null;
            if (!string.IsNullOrEmpty(shape))
            {
                var parts = shape.Split(',');
                dims = parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                    ? parts.Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
                    : null;
            }
            var cols = string.IsNullOrEmpty(columns) ? [] : columns.Split(',', StringSplitOptions.RemoveEmptyEntries);
            var layout = DashboardLayout.For(source.Snapshot(1), run, cols, field, dims);
            return Results.Text(JsonSerializer.Serialize(layout, MonitorJson.Options), "application/json; charset=utf-8");
        });
        app.MapGet("/api/events", (HttpContext context) =>
            TypedResults.ServerSentEvents(Stream(source, context.RequestAborted)));

        try
        {
            await app.StartAsync(cancellation);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            bool inUse = e is Microsoft.AspNetCore.Connections.AddressInUseException || e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
                || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
            throw new DashboardStartException(inUse
                ? $"the dashboard cannot listen on {settings.Bind}:{settings.Port}: the port is in use (another actorsim with --dashboard?); choose another with --dashboard-port, or 0 for a free one"
                : $"the dashboard cannot listen on {settings.Bind}:{settings.Port}: {e.Message}", e);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>The JSON of <c>/api/snapshot</c> (also what <c>actorsim status --json</c> prints, without history by default).</summary>
    public static string SnapshotJson(MonitorView view, bool indented = false) =>
        JsonSerializer.Serialize(view, indented ? MonitorJson.Indented : MonitorJson.Options);

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(DashboardServer).Assembly.GetManifestResourceStream("dashboard/" + name);
        if (stream is null) return Results.NotFound($"{name} is not in this build of actorsim");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Results.Bytes(copy.ToArray(), contentType);
    }

    private static async IAsyncEnumerable<SseItem<string>> Stream(IMonitorSource source, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var channel = Channel.CreateBounded<(string, object)>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = source.Subscribe((name, payload) => channel.Writer.TryWrite((name, payload)));
        yield return new SseItem<string>("{}", "hello");
        while (true)
        {
            (string name, object payload) item;
            try
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                keepAlive.CancelAfter(TimeSpan.FromSeconds(15));
                item = await channel.Reader.ReadAsync(keepAlive.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                item = ("ping", new { });
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            yield return new SseItem<string>(JsonSerializer.Serialize(item.payload, item.payload.GetType(), MonitorJson.Options), item.name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
