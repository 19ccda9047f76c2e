using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;
using MetricsPipeline.Warehouse;
using Npgsql;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Pulls one window of one stream and replaces it in the warehouse: count at the source, stream the
/// aggregation through the classifier into the staging COPY, reconcile, commit. Any exception before the
/// commit rolls the warehouse back to exactly where it was.
/// </summary>
public sealed class WindowLoader(NpgsqlDataSource warehouse, SourceProviders providers, TimeProvider clock)
{
    public async Task<WindowOutcome> LoadAsync(
        long runId, SourcePlan source, StreamPlan stream, SourceWindow window, DateOnly historyFrom,
        IReadOnlySet<string> knownUnits, CancellationToken cancellationToken)
    {
        var provider = providers.Get(source.Provider);
        var started = clock.GetUtcNow();
        var bounds = WindowBounds.For(window, stream.TimestampKind, source.TimeZone, historyFrom, started);
        var query = AggregationQueryBuilder.Build(stream, provider.Dialect, window, bounds, source.TimeZone);
        var classifier = new GroupClassifier(stream, knownUnits);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(source.QueryTimeout);
        WindowCounts? counts = null;
        try
        {
            await using var session = await provider.OpenAsync(source, stream, timeout.Token);
            var sourceRows = await session.CountRowsAsync(query, timeout.Token);
            await using var writer = await WindowWriter.BeginAsync(warehouse, runId, stream, window, started, timeout.Token);
            long factRows = 0, quarantinedRows = 0;
            await foreach (var group in session.ReadGroupsAsync(query, timeout.Token))
            {
                var classified = classifier.Classify(group);
                if (classified.IsFact) factRows += classified.RowCount; else quarantinedRows += classified.RowCount;
                writer.Write(classified);
            }
            counts = new WindowCounts(sourceRows, factRows, quarantinedRows);
            if (factRows + quarantinedRows != sourceRows)
            {
                throw new ReconciliationException(
                    $"{source.Name}/{stream.Name} {window}: reconciliation failed: {factRows} rows in facts + {quarantinedRows} quarantined " +
                    $"= {factRows + quarantinedRows}, but the source holds {sourceRows} rows in the window");
            }
            var result = await writer.CommitAsync(counts.Value, clock.GetUtcNow(), timeout.Token);
            return WindowOutcome.Succeeded(window, counts.Value, result, clock.GetUtcNow() - started);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A fired QueryTimeout surfaces as a cancellation or a driver error; name it for what it is.
            var cause = timeout.IsCancellationRequested
                ? new TimeoutException($"the window did not finish within QueryTimeout {source.QueryTimeout}", ex)
                : ex;
            throw new WindowFailedException(window, counts, started, cause);
        }
    }
}

/// <summary>A window that failed; its transaction has rolled back. Carries what is known for the ledger.</summary>
public sealed class WindowFailedException(SourceWindow window, WindowCounts? counts, DateTimeOffset startedAt, Exception inner)
    : Exception(inner.Message, inner)
{
    public SourceWindow Window { get; } = window;
    public WindowCounts? Counts { get; } = counts;
    public DateTimeOffset StartedAt { get; } = startedAt;
}

public sealed record WindowOutcome(SourceWindow Window, WindowCounts Counts, long FactsWritten, long FactsDeleted, TimeSpan Duration)
{
    public static WindowOutcome Succeeded(SourceWindow window, WindowCounts counts, WindowWriteResult result, TimeSpan duration) =>
        new(window, counts, result.FactsWritten, result.FactsDeleted, duration);
}
