using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Observability;

/// <summary>Log events of the metrics and health endpoint (ids 73101-73109; stable).</summary>
internal static partial class ObservabilityLog
{
    [LoggerMessage(EventId = 73101, Level = LogLevel.Information,
        Message = "Metrics at http://{Address}:{Port}/metrics; health at http://{Address}:{Port}/health/live and /health/ready")]
    public static partial void EndpointStarted(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 73102, Level = LogLevel.Warning,
        Message = "Could not read source freshness from the warehouse ({Reason}); the freshness gauges keep their last reading")]
    public static partial void FreshnessReadFailed(ILogger logger, string reason);
}
