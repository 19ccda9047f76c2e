using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Writes one dropped file in one transaction: its groups are COPYed into staging, its earlier
/// contribution in facts.file_daily is replaced, and facts.daily is recomputed for every day either
/// version touched, as the sum over the stream's current files (unchanged values are not rewritten). Its
/// quarantine rows, ops.file_loads, the stream's covered days (recomputed from the days each current file
/// has facts on), the ledger row and the indicator refresh queue entry go with it. A renamed file (same
/// content under a new name) replaces the contribution of its old name in the same transaction.
/// </summary>
public sealed class FileLoadWriter : IAsyncDisposable
{
    private readonly StagedTransaction _staged;
    private readonly StreamPlan _stream;
    private DateOnly? _firstDay, _lastDay;

    public long WindowId => _staged.WindowId;

    private FileLoadWriter(StagedTransaction staged, StreamPlan stream)
    {
        _staged = staged;
        _stream = stream;
    }

    public static async Task<FileLoadWriter> BeginAsync(
        NpgsqlDataSource warehouse, long runId, StreamPlan stream, string fileName, string fileHash, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        // The day range is not known until the file is read; CommitAsync sets it.
        var day = DateOnly.FromDateTime(startedAt.UtcDateTime);
        var staged = await StagedTransaction.BeginAsync(warehouse, stream, FileLoadSql.InsertWindow,
            new { runId, source = stream.Source, stream = stream.Name, day, startedAt = startedAt.UtcDateTime, fileName, fileHash }, cancellationToken);
        return new FileLoadWriter(staged, stream);
    }

    public void Write(ClassifiedGroup group)
    {
        // Only facts make a day covered: a quarantined row (a typo dated next September) says nothing about its day.
        if (group.IsFact && group.Day is { } day)
        {
            _firstDay = _firstDay is { } f && f < day ? f : day;
            _lastDay = _lastDay is { } l && l > day ? l : day;
        }
        _staged.Write(group);
    }

    /// <summary>
    /// Replaces the file's contribution and commits. <paramref name="retracted"/>: the file is gone and its
    /// contribution with it. <paramref name="renamedFrom"/>: the file's old name, whose contribution it replaces.
    /// <paramref name="today"/>: the source's local today; no day after it is covered.
    /// <paramref name="classifiedWith"/>: the hash of the configuration the groups were classified with (<see cref="Sources.Files.FileClassification"/>).
    /// </summary>
    public async Task<WindowWriteResult> CommitAsync(
        string fileName, string fileHash, long fileSize, DateTimeOffset modifiedAt, WindowCounts counts, bool retracted,
        string classifiedWith, DateTimeOffset now, DateOnly today, CancellationToken cancellationToken, string? renamedFrom = null)
    {
        await _staged.CompleteCopyAsync(cancellationToken);
        var p = new
        {
            source = _stream.Source, stream = _stream.Name, fileName, fileHash, fileSize, modifiedAt = modifiedAt.UtcDateTime,
            windowId = WindowId, now = now.UtcDateTime, dataRows = counts.SourceRows, retracted, classifiedWith, today,
            replaced = renamedFrom is null ? new[] { fileName } : [fileName, renamedFrom],
            firstDay = _firstDay, lastDay = _lastDay, categories = _stream.Categories.ToArray(),
        };
        await _staged.ExecuteAsync(FileLoadSql.AffectedDays, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.DeleteContribution, p, cancellationToken);
        await _staged.ExecuteAsync($"{FileLoadSql.InsertContributionPrefix} {StagingGroups.FactsSelect(_stream)}) AS x", p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.WindowFacts, p, cancellationToken);
        await _staged.ExecuteAsync(WarehouseSql.RecordFactDeltas(FileLoadSql.FileFactsScope), p, cancellationToken);
        var deleted = await _staged.ExecuteAsync(FileLoadSql.DeleteVanishedFacts, p, cancellationToken);
        var written = await _staged.ExecuteAsync(WarehouseSql.UpsertFacts, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.ReplaceQuarantine, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.InsertQuarantine, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.UpsertFileLoad, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.ForgetOldName, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.StreamCoveredDays, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.DeleteUncoveredDays, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.UpsertCoverage, p, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.CompleteWindow, new
        {
            windowId = WindowId, finishedAt = now.UtcDateTime, counts.SourceRows, counts.FactRows, counts.QuarantinedRows,
            written = (long)written, deleted = (long)deleted, firstDay = _firstDay, lastDay = _lastDay,
        }, cancellationToken);
        await _staged.ExecuteAsync(FileLoadSql.QueueIndicatorRefresh, p, cancellationToken);
        await _staged.CommitAsync(cancellationToken);
        return new WindowWriteResult(WindowId, written, deleted);
    }

    public (DateOnly? First, DateOnly? Last) Days => (_firstDay, _lastDay);

    // Disposing without CommitAsync rolls the whole file back.
    public ValueTask DisposeAsync() => _staged.DisposeAsync();
}
