using System.Text;
using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;
using Npgsql;
using NpgsqlTypes;

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
            await connection.ExecuteAsync(new CommandDefinition(StagingDdl(stream), transaction: transaction, cancellationToken: cancellationToken));
            var writer = new WindowWriter(connection, transaction, stream, window, windowId);
            writer._importer = await connection.BeginBinaryImportAsync(CopyCommand(stream), cancellationToken);
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
        importer.StartRow();
        if (group.Day is { } d) importer.Write(d, NpgsqlDbType.Date); else importer.WriteNull();
        WriteText(importer, group.UnitCode);
        WriteText(importer, group.SourceCode);
        WriteText(importer, group.Category);
        WriteText(importer, group.Reason);
        WriteText(importer, group.Detail);
        importer.Write(group.RowCount, NpgsqlDbType.Bigint);
        foreach (var value in group.Values)
        {
            if (value is { } v) importer.Write(v, NpgsqlDbType.Numeric); else importer.WriteNull();
        }
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
        await ExecuteAsync(WindowFactsSql(_stream), p, cancellationToken);
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

    private static void WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null) importer.WriteNull(); else importer.Write(value, NpgsqlDbType.Text);
    }

    private static string StagingDdl(StreamPlan stream)
    {
        var sql = new StringBuilder("CREATE TEMP TABLE staging_groups (day date, unit_code text, source_code text, category text, reason text, detail text, row_count bigint");
        for (var i = 0; i < stream.ValueMeasures.Count; i++)
            sql.Append($", m{i} numeric");
        return sql.Append(") ON COMMIT DROP").ToString();
    }

    private static string CopyCommand(StreamPlan stream) =>
        "COPY staging_groups (day, unit_code, source_code, category, reason, detail, row_count" +
        string.Concat(Enumerable.Range(0, stream.ValueMeasures.Count).Select(i => $", m{i}")) + ") FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// The window's facts at fact grain: one row per day, unit, category and measure. Several source codes
    /// may map to one category, so groups are summed. Measure names are validated identifiers; they are
    /// still written as quoted literals.
    /// </summary>
    private static string WindowFactsSql(StreamPlan stream)
    {
        var valueIndex = 0;
        var measures = stream.Measures.Select(m => m.Expression is MeasureExpression.RowCount
            ? $"('{m.Name}', CAST(s.row_count AS numeric))"
            : $"('{m.Name}', s.m{valueIndex++})");
        return "CREATE TEMP TABLE window_facts ON COMMIT DROP AS " +
               "SELECT s.day, s.unit_code, s.category, v.measure, sum(v.value) AS value FROM staging_groups s " +
               $"CROSS JOIN LATERAL (VALUES {string.Join(", ", measures)}) AS v(measure, value) " +
               "WHERE s.reason IS NULL GROUP BY s.day, s.unit_code, s.category, v.measure";
    }

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
