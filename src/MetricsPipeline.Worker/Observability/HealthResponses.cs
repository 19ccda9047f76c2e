using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MetricsPipeline.Worker.Observability;

/// <summary>
/// /health/live (the process is up and serving: always 200, no check runs) and /health/ready (every check tagged
/// "ready", the warehouse: 200, or 503 with the reason), as JSON: {"status":"Unhealthy","checks":{"warehouse":{…}}}.
/// </summary>
internal static class HealthResponses
{
    public const string ReadyTag = "ready";

    public static readonly HealthCheckOptions Live = new()
    {
        Predicate = _ => false,
        ResponseWriter = WriteAsync,
    };

    public static readonly HealthCheckOptions Ready = new()
    {
        Predicate = check => check.Tags.Contains(ReadyTag),
        ResponseWriter = WriteAsync,
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var checks = report.Entries.Count == 0
            ? null
            : report.Entries.ToDictionary(e => e.Key, e => new HealthCheckBody(e.Value.Status.ToString(), e.Value.Description, e.Value.Duration.TotalMilliseconds));
        return JsonSerializer.SerializeAsync(context.Response.Body, new HealthBody(report.Status.ToString(), checks), Json, context.RequestAborted);
    }

    private sealed record HealthBody(string Status, IReadOnlyDictionary<string, HealthCheckBody>? Checks);

    private sealed record HealthCheckBody(string Status, string? Description, double DurationMs);
}
