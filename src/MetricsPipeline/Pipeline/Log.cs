using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Pipeline;

/// <summary>The pipeline's log events. Event ids are stable: operators grep the journal for them.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Run {RunId} of source {Source} started ({Trigger})")]
    public static partial void RunStarted(ILogger logger, string source, long runId, string trigger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Run {RunId} of source {Source} finished: {Outcome}")]
    public static partial void RunFinished(ILogger logger, string source, long runId, string outcome);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Run {RunId} of source {Source} failed before its windows")]
    public static partial void RunFailed(ILogger logger, Exception exception, string source, long runId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Source {Source} is already being run elsewhere; this run is skipped")]
    public static partial void SourceBusy(ILogger logger, string source);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information,
        Message = "Source {Source}: the run of slot {Slot:O} had already succeeded (a recovered firing of a node that stopped after the run); not run again")]
    public static partial void SlotAlreadyRan(ILogger logger, string source, DateTime slot);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Source {Source}/{Stream}: {Message}")]
    public static partial void SourceLockLost(ILogger logger, string source, string stream, string message);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Loaded {Source}/{Stream} {Window}: {SourceRows} source rows = {FactRows} in facts + {QuarantinedRows} quarantined; {FactsWritten} facts written, {FactsDeleted} deleted in {ElapsedMs:F0} ms")]
    public static partial void WindowLoaded(ILogger logger, string source, string stream, string window, long sourceRows, long factRows,
        long quarantinedRows, long factsWritten, long factsDeleted, double elapsedMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Window {Source}/{Stream} {Window} failed and rolled back: {Reason}")]
    public static partial void WindowFailed(ILogger logger, Exception exception, string source, string stream, string window, string reason);
}
