using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Writes one window inside one warehouse transaction: binary COPY of the classified groups into a
/// staging table, then a set-based replace of exactly (source, stream, day range) in facts and
/// quarantine, the coverage days, the ledger row and the indicator refresh. Unchanged values are not
/// rewritten, so loading the same window twice changes no fact.
/// </summary>
public sealed class WindowWriter : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly StreamPlan _stream;
    private readonly SourceWindow _window;
    private NpgsqlBinaryImporter? _importer;

    public long WindowId { get; }

    private WindowWriter(NpgsqlConnection connection, NpgsqlTransaction transaction, StreamPlan stream, SourceWindow window, long windowId)
    {
        _connection = connection;
        _transaction = transaction;
        _stream = stream;
        _window = window;
        WindowId = windowId;
    }

    public static async Task<WindowWriter> BeginAsync(
        NpgsqlDataSource warehouse, long runId, StreamPlan stream, SourceWindow window, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var windowId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(WarehouseSql.InsertWindow, new
            {
                runId, source = stream.Source, stream = stream.Name, from = window.From, to = window.To,
                openBefore = window.OpenBefore, openAfter = window.OpenAfter, startedAt = startedAt.UtcDateTime,
            }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(StagingGroups.CreateTable(stream), transaction: transaction, cancellationToken: cancellationToken));
            var writer = new WindowWriter(connection, transaction, stream, window, windowId);
            writer._importer = await connection.BeginBinaryImportAsync(StagingGroups.CopyCommand(stream), cancellationToken);
            return writer;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stages one classified group. Synchronous writes: the importer buffers, and this is the hot loop.</summary>
    public void Write(ClassifiedGroup group)
    {
        var importer = _importer ?? throw new InvalidOperationException("the staging COPY is already complete");
        if (group.IsFact && (group.Day is not { } day || day < _window.From || day > _window.To))
            throw new InvalidOperationException($"{_stream.Source}/{_stream.Name}: a group dated {group.Day} fell outside window {_window}; the day bucketing is inconsistent with the window bounds");
        StagingGroups.Write(importer, group);
    }

    /// <summary>Replaces the window in facts and quarantine, marks its days covered, completes the ledger row, refreshes indicators, commits.</summary>
    public async Task<WindowWriteResult> CommitAsync(WindowCounts counts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_importer is not null)
        {
            await _importer.CompleteAsync(cancellationToken);
            await _importer.DisposeAsync();
            _importer = null;
        }
        var p = new
        {
            source = _stream.Source, stream = _stream.Name, from = _window.From, to = _window.To,
            openBefore = _window.OpenBefore, openAfter = _window.OpenAfter, windowId = WindowId, now = now.UtcDateTime,
            categories = _stream.Categories.ToArray(),
        };
        await ExecuteAsync($"CREATE TEMP TABLE window_facts ON COMMIT DROP AS {StagingGroups.FactsSelect(_stream)}", p, cancellationToken);
        var deleted = await ExecuteAsync(WarehouseSql.DeleteVanishedFacts, p, cancellationToken);
        var written = await ExecuteAsync(WarehouseSql.UpsertFacts, p, cancellationToken);
        await ExecuteAsync(WarehouseSql.DeleteVanishedQuarantine, p, cancellationToken);
        await ExecuteAsync(WarehouseSql.UpsertQuarantine, p, cancellationToken);
        await ExecuteAsync(WarehouseSql.UpsertCoverage, p, cancellationToken);
        await ExecuteAsync(WarehouseSql.CompleteWindow, new
        {
            windowId = WindowId, finishedAt = now.UtcDateTime, counts.SourceRows, counts.FactRows, counts.QuarantinedRows,
            written = (long)written, deleted = (long)deleted,
        }, cancellationToken);
        await ExecuteAsync(WarehouseSql.RefreshIndicators, p, cancellationToken);
        await _transaction.CommitAsync(cancellationToken);
        return new WindowWriteResult(WindowId, written, deleted);
    }

    private Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        _connection.ExecuteAsync(new CommandDefinition(sql, parameters, _transaction, commandTimeout: 3600, cancellationToken: cancellationToken));

    public async ValueTask DisposeAsync()
    {
        // Disposing without CommitAsync rolls the whole window back: nothing half-written stays.
        if (_importer is not null)
        {
            try { await _importer.DisposeAsync(); }
            catch (Exception) { /* the connection is being thrown away with the transaction */ }
        }
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

public readonly record struct WindowCounts(long SourceRows, long FactRows, long QuarantinedRows);

public readonly record struct WindowWriteResult(long WindowId, long FactsWritten, long FactsDeleted);
