using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Pipeline.Resilience;
using MetricsPipeline.Pipeline.Telemetry;
using MetricsPipeline.Sources;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetricsPipeline.Pipeline;

/// <summary>What a run of one source asks for: the scheduled/run-once window plan, or a backfill range.</summary>
public sealed record RunRequest(string Trigger, DateOnly? BackfillFrom = null, DateOnly? BackfillTo = null)
{
    /// <summary>
    /// Scheduled runs leave the indicator refresh to the service's refresher, which merges the loads of every
    /// source since its last round; an operator's run-once or backfill refreshes before it returns.
    /// </summary>
    public static readonly RunRequest Schedule = new("schedule") { RefreshIndicators = false };
    public static readonly RunRequest RunOnce = new("run-once");

    /// <summary>Whether the run ends by refreshing the indicators of everything queued (and waits for the refresh lock).</summary>
    public bool RefreshIndicators { get; init; } = true;

    /// <summary>The cron slot of a scheduled run (kept by a recovered firing), recorded in ops.runs.scheduled_fire_time.</summary>
    public DateTimeOffset? ScheduledFireTime { get; init; }

    public static RunRequest Backfill(DateOnly from, DateOnly to) => new("backfill", from, to);

    public static RunRequest Scheduled(DateTimeOffset scheduledFireTime) => Schedule with { ScheduledFireTime = scheduledFireTime };
}

/// <summary>
/// Runs one source: syncs reference data, then for each stream plans its windows and loads them in order.
/// A failed window stops that stream (so coverage stays contiguous) but not the source's other streams,
/// and never another source. Its data and coverage stay as they were.
/// </summary>
public sealed class SourceRunner(
    NpgsqlDataSource warehouse,
    IOptions<PipelineOptions> options,
    ReferenceSync referenceSync,
    RunLedger ledger,
    WindowLoader loader,
    FileStreamRunner fileStreams,
    TimeProvider clock,
    ILogger<SourceRunner> logger,
    SourcePipelines pipelines,
    PipelineMetrics metrics)
{
    public async Task<SourceRunResult> RunAsync(SourcePlan source, RunRequest request, IProgress<WindowProgress>? progress, CancellationToken cancellationToken)
    {
        var runWatch = System.Diagnostics.Stopwatch.StartNew();
        using var activity = PipelineActivities.StartRun(source.Name, request.Trigger);
        await using var sourceLock = await SourceLock.TryAcquireAsync(warehouse, source.Name, cancellationToken);
        if (sourceLock is null)
        {
            Log.SourceBusy(logger, source.Name);
            metrics.RunFinished(source.Name, "busy", runWatch.Elapsed);
            activity.SetOutcome(null, "busy");
            return SourceRunResult.Busy(source.Name);
        }

        if (request.ScheduledFireTime is { } slot && await ledger.SlotAlreadyRanAsync(source.Name, slot, cancellationToken))
        {
            // A recovered firing of a run that had finished: every scheduled slot runs exactly once.
            Log.SlotAlreadyRan(logger, source.Name, slot.UtcDateTime);
            metrics.RunFinished(source.Name, "repeat", runWatch.Elapsed);
            activity.SetOutcome(null, "repeat");
            return SourceRunResult.AlreadyRan(source.Name);
        }

        var pipeline = options.Value;
        var runId = await ledger.BeginRunAsync(request.Trigger, source.Name, cancellationToken, request.ScheduledFireTime);
        activity?.SetTag("metrics_pipeline.run_id", runId);
        // Every event of the run, the drivers' and Polly's included, carries Source and RunId (JSON log format: Scopes).
        using var runScope = Log.RunScope(logger, source.Name, runId);
        Log.RunStarted(logger, source.Name, runId, request.Trigger);
        var streams = new List<StreamRunResult>();
        string? runError = null;
        try
        {
            var plans = PipelinePlan.CompileOrThrow(pipeline);
            var knownUnits = await referenceSync.SyncAsync(pipeline, plans, cancellationToken);
            foreach (var stream in source.Streams)
            {
                if (source.IsFileDrop && await sourceLock.EnsureHeldAsync(cancellationToken) == SourceLockState.HeldByAnotherRun)
                {
                    streams.Add(LockLost(source, stream, "its files", []));
                    continue;
                }
                streams.Add(source.IsFileDrop
                    ? await fileStreams.RunAsync(runId, source, stream, pipeline.History.From, knownUnits, progress, cancellationToken,
                        reevaluateAll: request.BackfillFrom is not null)
                    : await RunStreamAsync(runId, source, stream, request, knownUnits, sourceLock, progress, cancellationToken));
            }
            var failed = streams.Where(s => s.Error is not null).ToList();
            if (failed.Count > 0)
                runError = string.Join("; ", failed.Select(s => $"{s.Stream}: {s.Error}"));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            runError = ex.Message;
            Log.RunFailed(logger, ex, source.Name, runId);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever the driver made of the cancel (an OperationCanceledException or its own error), the run
            // did not finish and must not be recorded as succeeded.
            runError = "cancelled (the service is stopping); the window in progress rolled back";
            throw;
        }
        finally
        {
            // Best effort: with the warehouse unreachable the run stays 'running' and the next run closes it.
            try { await ledger.FinishRunAsync(runId, runError, CancellationToken.None, pipelines.StateOf(source.Name).ToText()); }
            catch (NpgsqlException ex) { ResilienceLog.LedgerWriteFailed(logger, "end of run " + runId, source.Name, Describe(ex)); }
            Log.RunFinished(logger, source.Name, runId, runError ?? "succeeded");
            metrics.RunFinished(source.Name, runError is null ? "succeeded" : "failed", runWatch.Elapsed);
            activity.SetOutcome(runError);
        }
        return new SourceRunResult(source.Name, runId, streams, runError);
    }

    private async Task<StreamRunResult> RunStreamAsync(
        long runId, SourcePlan source, StreamPlan stream, RunRequest request, IReadOnlySet<string> knownUnits, SourceLock sourceLock,
        IProgress<WindowProgress>? progress, CancellationToken cancellationToken)
    {
        var pipeline = options.Value;
        var today = LocalCalendar.Today(clock, source.TimeZone);
        IReadOnlyList<SourceWindow> windows = request.BackfillFrom is { } from && request.BackfillTo is { } to
            ? WindowPlanner.PlanBackfill(from, to, pipeline.History.From, today, pipeline.History.ChunkMonths)
            : WindowPlanner.PlanRun(await ledger.LastCoveredDayAsync(source.Name, stream.Name, cancellationToken),
                source.LookbackDays, pipeline.History.From, today, pipeline.History.ChunkMonths);

        var outcomes = new List<WindowOutcome>();
        for (var i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            if (await sourceLock.EnsureHeldAsync(cancellationToken) == SourceLockState.HeldByAnotherRun)
                return LockLost(source, stream, "window " + window, outcomes);
            using var activity = PipelineActivities.StartWindow(source.Name, stream.Name, window);
            using var windowScope = Log.WindowScope(logger, stream.Name, window);
            try
            {
                var outcome = await loader.LoadAsync(runId, source, stream, window, pipeline.History.From, knownUnits, cancellationToken);
                activity.Succeeded(outcome);
                outcomes.Add(outcome);
                metrics.WindowSucceeded(source.Name, stream.Name, outcome);
                using (Log.WindowRecordScope(logger, outcome.WindowId))
                {
                    Log.WindowLoaded(logger, source.Name, stream.Name, window.ToString(), outcome.Counts.SourceRows, outcome.Counts.FactRows,
                        outcome.Counts.QuarantinedRows, outcome.FactsWritten, outcome.FactsDeleted, outcome.Duration.TotalMilliseconds);
                }
                progress?.Report(new WindowProgress(source.Name, stream.Name, window, i + 1, windows.Count, outcome, null));
            }
            catch (WindowFailedException ex)
            {
                var message = $"{source.Name}/{stream.Name} {window}: {Describe(ex.InnerException ?? ex)}" +
                              (ex.Attempts > 1 ? $" (after {ex.Attempts} attempts)" : "");
                activity.SetOutcome(message);
                metrics.WindowFailed(source.Name, stream.Name, clock.GetUtcNow() - ex.StartedAt);
                // Recorded first, so that the event names the ops.windows row that holds the failure.
                long? windowId = null;
                try
                {
                    windowId = await ledger.RecordFailedWindowAsync(runId, source.Name, stream.Name, window, ex.StartedAt, clock.GetUtcNow(),
                        ex.Counts, message, CancellationToken.None);
                }
                catch (NpgsqlException ledgerError)
                {
                    ResilienceLog.LedgerWriteFailed(logger, "failed window " + window, source.Name, Describe(ledgerError));
                }
                using (Log.WindowRecordScope(logger, windowId))
                    Log.WindowFailed(logger, ex.InnerException ?? ex, source.Name, stream.Name, window.ToString(), message);
                progress?.Report(new WindowProgress(source.Name, stream.Name, window, i + 1, windows.Count, null, message));
                // Later windows wait: loading them now would leave a hole in coverage behind the failure.
                return new StreamRunResult(stream.Name, outcomes, message);
            }
        }
        return new StreamRunResult(stream.Name, outcomes, null);
    }

    /// <summary>The stream's result when the run lost the source's lock to another run: it stops before <paramref name="next"/>.</summary>
    private StreamRunResult LockLost(SourcePlan source, StreamPlan stream, string next, IReadOnlyList<WindowOutcome> outcomes)
    {
        var message = $"{source.Name}/{stream.Name}: this run lost the source's lock (its warehouse session ended, e.g. in a warehouse restart) " +
                      $"and another run of the source has taken it since. This run stops before {next}; what it committed stays, and the other run goes on";
        Log.SourceLockLost(logger, source.Name, stream.Name, message);
        return new StreamRunResult(stream.Name, outcomes, message);
    }

    /// <summary>The cause of a failure in words an operator can act on, without connection secrets.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState}{(pg.Hint is null ? "" : "; hint: " + pg.Hint)})",
        NpgsqlException { InnerException: { } inner } => $"{ex.Message} ({inner.Message})",
        _ => ex.Message,
    };
}

public sealed record WindowProgress(string Source, string Stream, SourceWindow Window, int Index, int Count, WindowOutcome? Outcome, string? Error);

public sealed record StreamRunResult(string Stream, IReadOnlyList<WindowOutcome> Windows, string? Error);

public sealed record SourceRunResult(string Source, long? RunId, IReadOnlyList<StreamRunResult> Streams, string? Error)
{
    public bool IsBusy { get; private init; }

    public bool Succeeded => Error is null && !IsBusy;

    /// <summary>The slot's run had already succeeded (a recovered firing); nothing ran, nothing failed.</summary>
    public static SourceRunResult AlreadyRan(string source) => new(source, null, [], null);

    public static SourceRunResult Busy(string source) =>
        new(source, null, [], $"another run of source '{source}' holds its lock; skipped") { IsBusy = true };
}
