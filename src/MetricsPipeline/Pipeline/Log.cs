using System.Globalization;
using MetricsPipeline.Sources;
using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// The pipeline's log events. Event ids are stable (operators grep the journal for them) and lie in 71000-74999, a range
/// no dependency uses (Quartz and Npgsql log 1000-9999); README lists them all, and a test holds every product event to the range.
/// </summary>
internal static partial class Log
{
    private static readonly Func<ILogger, string, long, IDisposable?> Run =
        LoggerMessage.DefineScope<string, long>("Source {Source} run {RunId}");

    private static readonly Func<ILogger, string, string, string, string, IDisposable?> Window =
        LoggerMessage.DefineScope<string, string, string, string>("Stream {Stream} window {Window} (days {DayFrom} to {DayTo})");

    private static readonly Func<ILogger, long, IDisposable?> WindowRecord =
        LoggerMessage.DefineScope<long>("ops.windows row {WindowId}");

    /// <summary>The run every event logged inside it belongs to (structured as Source, RunId).</summary>
    public static IDisposable? RunScope(ILogger logger, string source, long runId) => Run(logger, source, runId);

    /// <summary>The window every event logged inside it belongs to (structured as Stream, Window, DayFrom, DayTo; days as yyyy-MM-dd).</summary>
    public static IDisposable? WindowScope(ILogger logger, string stream, SourceWindow window) =>
        Window(logger, stream, window.ToString(), Day(window.From), Day(window.To));

    /// <summary>
    /// The ops.windows row a load's outcome was recorded as (structured as WindowId), around the event that reports it;
    /// none when the ledger could not record it.
    /// </summary>
    public static IDisposable? WindowRecordScope(ILogger logger, long? windowId) => windowId is { } id ? WindowRecord(logger, id) : null;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 71001, Level = LogLevel.Information, Message = "Run {RunId} of source {Source} started ({Trigger})")]
    public static partial void RunStarted(ILogger logger, string source, long runId, string trigger);

    [LoggerMessage(EventId = 71002, Level = LogLevel.Information, Message = "Run {RunId} of source {Source} finished: {Outcome}")]
    public static partial void RunFinished(ILogger logger, string source, long runId, string outcome);

    [LoggerMessage(EventId = 71003, Level = LogLevel.Error, Message = "Run {RunId} of source {Source} failed before its windows")]
    public static partial void RunFailed(ILogger logger, Exception exception, string source, long runId);

    [LoggerMessage(EventId = 71004, Level = LogLevel.Warning, Message = "Source {Source} is already being run elsewhere; this run is skipped")]
    public static partial void SourceBusy(ILogger logger, string source);

    [LoggerMessage(EventId = 71006, Level = LogLevel.Information,
        Message = "Source {Source}: the run of slot {Slot:O} had already succeeded (a recovered firing of a node that stopped after the run); not run again")]
    public static partial void SlotAlreadyRan(ILogger logger, string source, DateTime slot);

    [LoggerMessage(EventId = 71005, Level = LogLevel.Warning, Message = "Source {Source}/{Stream}: {Message}")]
    public static partial void SourceLockLost(ILogger logger, string source, string stream, string message);

    [LoggerMessage(EventId = 71101, Level = LogLevel.Information,
        Message = "Loaded {Source}/{Stream} {Window}: {SourceRows} source rows = {FactRows} in facts + {QuarantinedRows} quarantined; {FactsWritten} facts written, {FactsDeleted} deleted in {ElapsedMs:F0} ms")]
    public static partial void WindowLoaded(ILogger logger, string source, string stream, string window, long sourceRows, long factRows,
        long quarantinedRows, long factsWritten, long factsDeleted, double elapsedMs);

    [LoggerMessage(EventId = 71102, Level = LogLevel.Error, Message = "Window {Source}/{Stream} {Window} failed and rolled back: {Reason}")]
    public static partial void WindowFailed(ILogger logger, Exception exception, string source, string stream, string window, string reason);
}
