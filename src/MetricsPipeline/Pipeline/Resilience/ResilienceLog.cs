using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Pipeline.Resilience;

/// <summary>Log events of retries, breakers and the ledger under failure (ids 3001-3009; stable, operators grep for them).</summary>
internal static partial class ResilienceLog
{
    [LoggerMessage(EventId = 73001, Level = LogLevel.Warning,
        Message = "Window {Source}/{Stream} {Window}: attempt {Attempt} failed with a transient error, retrying in {DelayMs:F0} ms: {Reason}")]
    public static partial void AttemptRetried(ILogger logger, string source, string stream, string window, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 73002, Level = LogLevel.Warning,
        Message = "Circuit breaker of source {Source} opened for {BreakDuration}: its windows fail at once until then (last error: {Reason})")]
    public static partial void BreakerOpened(ILogger logger, string source, TimeSpan breakDuration, string reason);

    [LoggerMessage(EventId = 73003, Level = LogLevel.Information, Message = "Circuit breaker of source {Source} is half-open: the next window is a probe")]
    public static partial void BreakerHalfOpened(ILogger logger, string source);

    [LoggerMessage(EventId = 73004, Level = LogLevel.Information, Message = "Circuit breaker of source {Source} closed: the source answers again")]
    public static partial void BreakerClosed(ILogger logger, string source);

    [LoggerMessage(EventId = 73005, Level = LogLevel.Error,
        Message = "Could not record the {What} of source {Source} in the ledger: {Reason}. The warehouse may be unreachable; the next run closes a run left open")]
    public static partial void LedgerWriteFailed(ILogger logger, string what, string source, string reason);
}
