using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Writes one window inside one warehouse transaction: binary COPY of the classified groups into a
/// staging table, then a set-based replace of exactly (source, stream, day range) in facts and
/// quarantine, the coverage days, the ledger row and the indicator refresh queue entry (the refresh
/// itself runs after the commit). Unchanged values are not rewritten, so loading the same window twice
/// changes no fact.
/// </summary>
public sealed class WindowWriter : IAsyncDisposable
{
    // Up to this many source rows a window into empty days records its facts as changes; a backfill chunk holds far more,
    // and recomputing its periods from facts costs less than adding each up the tree.
    private const long RecordedInsertRows = 10_000;

    private readonly StagedTransaction _staged;
    private readonly StreamPlan _stream;
    private readonly SourceWindow _window;

    public long WindowId => _staged.WindowId;

    private WindowWriter(StagedTransaction staged, StreamPlan stream, SourceWindow window)
    {
        _staged = staged;
        _stream = stream;
        _window = window;
    }

    public static async Task<WindowWriter> BeginAsync(
        NpgsqlDataSource warehouse, long runId, StreamPlan stream, SourceWindow window, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var staged = await StagedTransaction.BeginAsync(warehouse, stream, WarehouseSql.InsertWindow, new
        {
            runId, source = stream.Source, stream = stream.Name, from = window.From, to = window.To,
            openBefore = window.OpenBefore, openAfter = window.OpenAfter, startedAt = startedAt.UtcDateTime,
        }, cancellationToken);
        return new WindowWriter(staged, stream, window);
    }

    /// <summary>Stages one classified group; a fact outside the window would mean the day bucketing is broken.</summary>
    public void Write(ClassifiedGroup group)
    {
        if (group.IsFact && (group.Day is not { } day || day < _window.From || day > _window.To))
            throw new InvalidOperationException($"{_stream.Source}/{_stream.Name}: a group dated {group.Day} fell outside window {_window}; the day bucketing is inconsistent with the window bounds");
        _staged.Write(group);
    }

    /// <summary>Replaces the window in facts and quarantine, marks its days covered, completes the ledger row, queues the indicator refresh, commits.</summary>
    public async Task<WindowWriteResult> CommitAsync(WindowCounts counts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _staged.CompleteCopyAsync(cancellationToken);
        var days = new { source = _stream.Source, stream = _stream.Name, to = _window.To, openAfter = _window.OpenAfter };
        var lastFactAfter = await _staged.ScalarAsync<DateOnly?>(WarehouseSql.LastFactDayAfterWindow, days, cancellationToken);
        var p = new
        {
            source = _stream.Source, stream = _stream.Name, from = _window.From, to = _window.To,
            openBefore = _window.OpenBefore, openAfter = _window.OpenAfter, windowId = WindowId, now = now.UtcDateTime,
            categories = _stream.Categories.ToArray(), queueTo = lastFactAfter ?? _window.To,
        };
        int deleted = 0, written;
        // A large window into days without facts (a backfill chunk) goes straight in and its periods are
        // recomputed from facts. Any other window records what it changes, and the refresh adds only that up the
        // tree: a re-pull, and a small window into empty days (the scheduled window reaching a new day, a stream
        // with nothing in it).
        var recordDeltas = counts.FactRows <= RecordedInsertRows
                           || await _staged.ScalarAsync<bool>(WarehouseSql.WindowHasFacts, p, cancellationToken);
        if (!recordDeltas)
        {
            written = await _staged.ExecuteAsync(WarehouseSql.InsertNewFacts(StagingGroups.FactsSelect(_stream)), p, cancellationToken);
        }
        else
        {
            await _staged.ExecuteAsync($"CREATE TEMP TABLE window_facts ON COMMIT DROP AS {StagingGroups.FactsSelect(_stream)}", p, cancellationToken);
            // Without statistics the planner guesses the temp table's size, and a re-pulled month at scale then
            // anti-joins facts.daily with a nested loop for many minutes instead of a hash join in seconds.
            await _staged.ExecuteAsync("ANALYZE window_facts", new { }, cancellationToken);
            await _staged.ExecuteAsync(WarehouseSql.RecordFactDeltas(WarehouseSql.WindowFactsScope), p, cancellationToken);
            deleted = await _staged.ExecuteAsync(WarehouseSql.DeleteVanishedFacts, p, cancellationToken);
            written = await _staged.ExecuteAsync(WarehouseSql.UpsertFacts, p, cancellationToken);
        }
        await _staged.ExecuteAsync(WarehouseSql.DeleteVanishedQuarantine, p, cancellationToken);
        await _staged.ExecuteAsync(WarehouseSql.UpsertQuarantine, p, cancellationToken);
        await _staged.ExecuteAsync(WarehouseSql.DeleteCoverageAfterWindow, p, cancellationToken);
        await _staged.ExecuteAsync(WarehouseSql.UpsertCoverage, p, cancellationToken);
        await _staged.ExecuteAsync(WarehouseSql.CompleteWindow, new
        {
            windowId = WindowId, finishedAt = now.UtcDateTime, counts.SourceRows, counts.FactRows, counts.QuarantinedRows,
            written = (long)written, deleted = (long)deleted,
        }, cancellationToken);
        await _staged.ExecuteAsync(WarehouseSql.QueueIndicatorRefresh, new
        {
            p.source, p.stream, p.from, p.to, p.queueTo, p.categories, p.windowId, deltas = recordDeltas,
        }, cancellationToken);
        await _staged.CommitAsync(cancellationToken);
        return new WindowWriteResult(WindowId, written, deleted);
    }

    // Disposing without CommitAsync rolls the whole window back.
    public ValueTask DisposeAsync() => _staged.DisposeAsync();
}

public readonly record struct WindowCounts(long SourceRows, long FactRows, long QuarantinedRows);

public readonly record struct WindowWriteResult(long WindowId, long FactsWritten, long FactsDeleted);
