using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Warehouse;

/// <summary>Log events of the migrate verb (id 3201; stable).</summary>
internal static partial class MigrationLog
{
    [LoggerMessage(EventId = 73201, Level = LogLevel.Information, Message = "Migration: {EvolveMessage}")]
    public static partial void EvolveMessage(ILogger logger, string evolveMessage);
}
