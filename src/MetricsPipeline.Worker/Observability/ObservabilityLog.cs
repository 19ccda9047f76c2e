using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Observability;

/// <summary>Log events of the metrics and health endpoint (ids 3101-3109; stable).</summary>
internal static partial class ObservabilityLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Metrics at http://127.0.0.1:{Port}/metrics; health at http://127.0.0.1:{Port}/health/live and /health/ready")]
    public static partial void EndpointStarted(ILogger logger, int port);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning,
        Message = "Could not read source freshness from the warehouse ({Reason}); the freshness gauges keep their last reading")]
    public static partial void FreshnessReadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Health request {Path} failed: {Reason}")]
    public static partial void HealthRequestFailed(ILogger logger, string path, string reason);
}
