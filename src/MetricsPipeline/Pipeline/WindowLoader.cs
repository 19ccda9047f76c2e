using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Pipeline.Resilience;
using MetricsPipeline.Sources;
using MetricsPipeline.Warehouse;
using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Pulls one window of one stream and replaces it in the warehouse: count at the source, stream the
/// aggregation through the classifier into the staging COPY, reconcile, commit. Any exception before the
/// commit rolls the warehouse back to exactly where it was. Each attempt runs through the source's
/// resilience pipeline (<see cref="SourcePipelines"/>): a retried attempt opens a new source session and a
/// new warehouse transaction, the failed attempt's having been disposed, that is rolled back.
/// </summary>
public sealed class WindowLoader(NpgsqlDataSource warehouse, SourceProviders providers, SourcePipelines pipelines, TimeProvider clock)
{
    public async Task<WindowOutcome> LoadAsync(
        long runId, SourcePlan source, StreamPlan stream, SourceWindow window, DateOnly historyFrom,
        IReadOnlySet<string> knownUnits, CancellationToken cancellationToken)
    {
        var provider = providers.Get(source.Provider);
        var started = clock.GetUtcNow();
        var attempt = new Attempt(runId, source, stream, window, historyFrom, provider, new GroupClassifier(stream, knownUnits), started);

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SourcePipelines.WindowKey, new WindowName(source.Name, stream.Name, window.ToString()));
        try
        {
            return await pipelines.For(source).Pipeline.ExecuteAsync(
                static (ctx, state) => state.Loader.AttemptAsync(state.Attempt, ctx), context, (Loader: this, Attempt: attempt));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WindowFailedException(window, attempt.Counts, started, Explain(ex, source, context), attempt.Number);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<WindowOutcome> AttemptAsync(Attempt a, ResilienceContext context)
    {
        var token = context.CancellationToken;
        a.Number++;
        a.Counts = null;
        context.Properties.Set(SourcePipelines.FailedAtWarehouseKey, false);
        // An exception filter that only marks the failure as the warehouse's and lets it pass unchanged.
        bool AtWarehouse()
        {
            context.Properties.Set(SourcePipelines.FailedAtWarehouseKey, true);
            return false;
        }
        var (source, stream, provider, classifier) = (a.Source, a.Stream, a.Provider, a.Classifier);
        try
        {
            await using var session = await provider.OpenAsync(source, stream, token);
            // 'Now' is the earlier of this worker's clock and the source's: a clock ahead on either side can then
            // neither cover a day the source has not reached nor count its rows as facts (they wait as future rows).
            var sourceNow = await session.ReadClockAsync(token);
            var now = sourceNow < a.Started ? sourceNow : a.Started;
            var window = WindowPlanner.ClampToToday(a.Window, LocalCalendar.DayOf(now, source.TimeZone), a.Started, sourceNow);
            var bounds = WindowBounds.For(window, stream.TimestampKind, source.TimeZone, a.HistoryFrom, now);
            var query = AggregationQueryBuilder.Build(stream, provider.Dialect, window, bounds, source.TimeZone);
            var sourceRows = await session.CountRowsAsync(query, token);
            WindowWriter writer;
            try { writer = await WindowWriter.BeginAsync(warehouse, a.RunId, stream, window, a.Started, token); }
            catch (Exception) when (AtWarehouse()) { throw; }
            await using var _ = writer;
            long factRows = 0, quarantinedRows = 0, groups = 0;
            await foreach (var group in session.ReadGroupsAsync(query, token))
            {
                if (++groups > source.MaxGroupsPerWindow)
                {
                    throw new InvalidDataException(
                        $"{source.Name}/{stream.Name} {window}: the source returned more than MaxGroupsPerWindow = {source.MaxGroupsPerWindow:N0} " +
                        "(unit, code, day) groups; check the Unit and Code columns, or raise the limit");
                }
                var classified = classifier.Classify(group);
                if (classified.IsFact) factRows += classified.RowCount; else quarantinedRows += classified.RowCount;
                try { writer.Write(classified); }
                catch (Exception) when (AtWarehouse()) { throw; }
            }
            var counts = new WindowCounts(sourceRows, factRows, quarantinedRows);
            a.Counts = counts;
            if (factRows + quarantinedRows != sourceRows)
            {
                throw new ReconciliationException(
                    $"{source.Name}/{stream.Name} {window}: reconciliation failed: {factRows} rows in facts + {quarantinedRows} quarantined " +
                    $"= {factRows + quarantinedRows}, but the source holds {sourceRows} rows in the window");
            }
            WindowWriteResult result;
            try { result = await writer.CommitAsync(counts, clock.GetUtcNow(), token); }
            catch (Exception) when (AtWarehouse()) { throw; }
            return WindowOutcome.Succeeded(window, counts, result, clock.GetUtcNow() - a.Started);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && token.IsCancellationRequested)
        {
            // A fired timeout surfaces as a driver error (an interrupted SQLite statement, a broken stream ...);
            // as a cancellation the resilience pipeline recognizes it as its own timeout.
            throw new OperationCanceledException("the attempt was cancelled", ex, token);
        }
    }

    /// <summary>Names a fired timeout or an open breaker for what it is; any other cause is kept as it was.</summary>
    private static Exception Explain(Exception ex, SourcePlan source, ResilienceContext context) => ex switch
    {
        TimeoutRejectedException when context.Properties.TryGetValue(SourcePipelines.WindowTimedOutKey, out var timedOut) && timedOut =>
            new TimeoutException($"the window did not finish within QueryTimeout {source.QueryTimeout}", ex),
        TimeoutRejectedException =>
            new TimeoutException($"an attempt did not finish within Resilience:AttemptTimeout {source.Resilience.AttemptTimeout}", ex),
        BrokenCircuitException broken =>
            new BrokenCircuitException(
                $"the circuit breaker of source '{source.Name}' is open after repeated transient failures; windows fail at once" +
                (broken.RetryAfter is { } after ? $" for another {TimeSpan.FromSeconds(Math.Ceiling(after.TotalSeconds))}" : "") +
                (broken.InnerException is { } last ? $" (last error: {last.Message})" : ""), ex),
        _ => ex,
    };

    /// <summary>What one window's attempts share, and what the last attempt got to.</summary>
    private sealed record Attempt(
        long RunId, SourcePlan Source, StreamPlan Stream, SourceWindow Window, DateOnly HistoryFrom, ISourceProvider Provider,
        GroupClassifier Classifier, DateTimeOffset Started)
    {
        public int Number { get; set; }
        public WindowCounts? Counts { get; set; }
    }
}

/// <summary>A window that failed; its transaction has rolled back. Carries what is known for the ledger.</summary>
public sealed class WindowFailedException(SourceWindow window, WindowCounts? counts, DateTimeOffset startedAt, Exception inner, int attempts = 1)
    : Exception(inner.Message, inner)
{
    /// <summary>How many attempts were made (1 when the error was not transient or retries are off).</summary>
    public int Attempts { get; } = attempts;

    public SourceWindow Window { get; } = window;
    public WindowCounts? Counts { get; } = counts;
    public DateTimeOffset StartedAt { get; } = startedAt;
}

/// <summary>A committed load: its window, counts and duration, and <paramref name="WindowId"/>, the ops.windows row it was recorded as.</summary>
public sealed record WindowOutcome(SourceWindow Window, WindowCounts Counts, long FactsWritten, long FactsDeleted, TimeSpan Duration, long WindowId)
{
    public static WindowOutcome Succeeded(SourceWindow window, WindowCounts counts, WindowWriteResult result, TimeSpan duration) =>
        new(window, counts, result.FactsWritten, result.FactsDeleted, duration, result.WindowId);
}
