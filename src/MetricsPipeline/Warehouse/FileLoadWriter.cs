using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Writes one dropped file in one transaction: its groups are COPYed into staging, its earlier
/// contribution in facts.file_daily is replaced, and facts.daily is recomputed for every day either
/// version touched, as the sum over the stream's current files (unchanged values are not rewritten). Its
/// quarantine rows, the covered days, ops.file_loads, the ledger row and the indicators go with it.
/// </summary>
public sealed class FileLoadWriter : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly StreamPlan _stream;
    private NpgsqlBinaryImporter? _importer;
    private DateOnly? _firstDay, _lastDay;

    public long WindowId { get; }

    private FileLoadWriter(NpgsqlConnection connection, NpgsqlTransaction transaction, StreamPlan stream, long windowId)
    {
        _connection = connection;
        _transaction = transaction;
        _stream = stream;
        WindowId = windowId;
    }

    public static async Task<FileLoadWriter> BeginAsync(
        NpgsqlDataSource warehouse, long runId, StreamPlan stream, string fileName, string fileHash, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The day range is not known until the file is read; CompleteFile sets it.
            var day = DateOnly.FromDateTime(startedAt.UtcDateTime);
            var windowId = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO ops.windows (run_id, source, stream, day_from, day_to, open_before, open_after, started_at, finished_at, status, file_name, file_hash)
                VALUES (@runId, @source, @stream, @day, @day, false, false, @startedAt, @startedAt, 'succeeded', @fileName, @fileHash)
                RETURNING window_id
                """, new { runId, source = stream.Source, stream = stream.Name, day, startedAt = startedAt.UtcDateTime, fileName, fileHash },
                transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(StagingGroups.CreateTable(stream), transaction: transaction, cancellationToken: cancellationToken));
            var writer = new FileLoadWriter(connection, transaction, stream, windowId);
            writer._importer = await connection.BeginBinaryImportAsync(StagingGroups.CopyCommand(stream), cancellationToken);
            return writer;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Write(ClassifiedGroup group)
    {
        var importer = _importer ?? throw new InvalidOperationException("the staging COPY is already complete");
        if (group.Day is { } day)
        {
            _firstDay = _firstDay is { } f && f < day ? f : day;
            _lastDay = _lastDay is { } l && l > day ? l : day;
        }
        StagingGroups.Write(importer, group);
    }

    /// <summary>Replaces the file's contribution and commits. <paramref name="retracted"/>: the file is gone and its contribution with it.</summary>
    public async Task<WindowWriteResult> CommitAsync(
        string fileName, string fileHash, long fileSize, DateTimeOffset modifiedAt, WindowCounts counts, bool retracted,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_importer is not null)
        {
            await _importer.CompleteAsync(cancellationToken);
            await _importer.DisposeAsync();
            _importer = null;
        }
        var p = new
        {
            source = _stream.Source, stream = _stream.Name, fileName, fileHash, fileSize, modifiedAt = modifiedAt.UtcDateTime,
            windowId = WindowId, now = now.UtcDateTime, dataRows = counts.SourceRows, retracted,
            firstDay = _firstDay, lastDay = _lastDay, categories = _stream.Categories.ToArray(),
        };
        await Execute(FileLoadSql.AffectedDays, p, cancellationToken);
        await Execute(FileLoadSql.DeleteContribution, p, cancellationToken);
        await Execute($"{FileLoadSql.InsertContributionPrefix} {StagingGroups.FactsSelect(_stream)}) AS x", p, cancellationToken);
        await Execute(FileLoadSql.WindowFacts, p, cancellationToken);
        var deleted = await Execute(FileLoadSql.DeleteVanishedFacts, p, cancellationToken);
        var written = await Execute(WarehouseSql.UpsertFacts, p, cancellationToken);
        await Execute(FileLoadSql.ReplaceQuarantine, p, cancellationToken);
        await Execute(FileLoadSql.InsertQuarantine, p, cancellationToken);
        await Execute(FileLoadSql.UpsertCoverage, p, cancellationToken);
        await Execute(FileLoadSql.UpsertFileLoad, p, cancellationToken);
        await Execute(FileLoadSql.CompleteWindow, new
        {
            windowId = WindowId, finishedAt = now.UtcDateTime, counts.SourceRows, counts.FactRows, counts.QuarantinedRows,
            written = (long)written, deleted = (long)deleted, firstDay = _firstDay, lastDay = _lastDay,
        }, cancellationToken);
        await Execute(FileLoadSql.RefreshIndicators, p, cancellationToken);
        await _transaction.CommitAsync(cancellationToken);
        return new WindowWriteResult(WindowId, written, deleted);
    }

    public (DateOnly? First, DateOnly? Last) Days => (_firstDay, _lastDay);

    private Task<int> Execute(string sql, object parameters, CancellationToken cancellationToken) =>
        _connection.ExecuteAsync(new CommandDefinition(sql, parameters, _transaction, commandTimeout: 3600, cancellationToken: cancellationToken));

    public async ValueTask DisposeAsync()
    {
        // Disposing without CommitAsync rolls the whole file back.
        if (_importer is not null)
        {
            try { await _importer.DisposeAsync(); }
            catch (Exception) { /* the connection is being thrown away with the transaction */ }
        }
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
