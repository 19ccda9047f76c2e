using System.Net;
using System.Text.Json;
using MetricsPipeline.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Worker.Observability;

/// <summary>
/// /health/live (the process is up and serving: always 200) and /health/ready (every check tagged "ready",
/// the warehouse: 200, or 503 with the reason) on 127.0.0.1:Metrics:Port. The OpenTelemetry exporter owns
/// /metrics on the same port; the two listeners share it by path prefix.
/// </summary>
public sealed class HealthEndpoint(HealthCheckService health, IOptions<MetricsOptions> options, ILogger<HealthEndpoint> logger) : BackgroundService
{
    public const string ReadyTag = "ready";

    private readonly HttpListener _listener = new();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var port = options.Value.Port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/health/");
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            throw new InvalidConfigurationException([$"Metrics:Port: cannot listen on 127.0.0.1:{port} ({ex.Message}); choose a free port or set Metrics:Enabled to false"]);
        }
        ObservabilityLog.EndpointStarted(logger, port);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var registration = stoppingToken.Register(_listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { break; }
            _ = RespondAsync(context, stoppingToken); // a slow readiness check never holds up liveness
        }
    }

    private async Task RespondAsync(HttpListenerContext context, CancellationToken stoppingToken)
    {
        var path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
        try
        {
            var (status, body) = path switch
            {
                "/health/live" => (200, new HealthBody("Healthy", null)),
                "/health/ready" => await ReadyAsync(stoppingToken),
                _ => (404, new HealthBody("NotFound", null)),
            };
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.Headers["Cache-Control"] = "no-store";
            await JsonSerializer.SerializeAsync(context.Response.OutputStream, body, HealthJson.Options, stoppingToken);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            ObservabilityLog.HealthRequestFailed(logger, path, ex.Message);
        }
        finally
        {
            try { context.Response.Close(); } catch (ObjectDisposedException) { }
        }
    }

    private async Task<(int, HealthBody)> ReadyAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(ReadyTag), cancellationToken);
        var checks = report.Entries.ToDictionary(e => e.Key, e => new HealthCheckBody(e.Value.Status.ToString(), e.Value.Description, e.Value.Duration.TotalMilliseconds));
        return (report.Status == HealthStatus.Healthy ? 200 : 503, new HealthBody(report.Status.ToString(), checks));
    }

    public override void Dispose()
    {
        _listener.Close();
        base.Dispose();
    }
}

internal sealed record HealthBody(string Status, IReadOnlyDictionary<string, HealthCheckBody>? Checks);

internal sealed record HealthCheckBody(string Status, string? Description, double DurationMs);

internal static class HealthJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
