using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// The warehouse side of one load (a window or a file): one connection, one transaction, the ledger row
/// inserted first, a staging table and the binary COPY into it. Disposing without <see cref="CommitAsync"/>
/// rolls everything back, ledger row included: nothing half-written stays.
/// </summary>
internal sealed class StagedTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private NpgsqlBinaryImporter? _importer;

    public long WindowId { get; }

    private StagedTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, long windowId)
    {
        _connection = connection;
        _transaction = transaction;
        WindowId = windowId;
    }

    /// <summary>Opens the transaction, inserts the ledger row (<paramref name="insertWindowSql"/> returns its id) and starts the COPY.</summary>
    public static async Task<StagedTransaction> BeginAsync(
        NpgsqlDataSource warehouse, StreamPlan stream, string insertWindowSql, object windowParameters, CancellationToken cancellationToken)
    {
        var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var windowId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(insertWindowSql, windowParameters, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(StagingGroups.CreateTable(stream), transaction: transaction, cancellationToken: cancellationToken));
            var staged = new StagedTransaction(connection, transaction, windowId);
            staged._importer = await connection.BeginBinaryImportAsync(StagingGroups.CopyCommand(stream), cancellationToken);
            return staged;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stages one classified group. Synchronous writes: the importer buffers, and this is the hot loop.</summary>
    public void Write(ClassifiedGroup group) =>
        StagingGroups.Write(_importer ?? throw new InvalidOperationException("the staging COPY is already complete"), group);

    /// <summary>Ends the COPY; staging_groups then holds every group.</summary>
    public async Task CompleteCopyAsync(CancellationToken cancellationToken)
    {
        if (_importer is null)
            return;
        await _importer.CompleteAsync(cancellationToken);
        await _importer.DisposeAsync();
        _importer = null;
    }

    public Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        _connection.ExecuteAsync(new CommandDefinition(sql, parameters, _transaction, commandTimeout: 3600, cancellationToken: cancellationToken));

    public Task<T?> ScalarAsync<T>(string sql, object parameters, CancellationToken cancellationToken) =>
        _connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters, _transaction, commandTimeout: 3600, cancellationToken: cancellationToken));

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_importer is not null)
        {
            try { await _importer.DisposeAsync(); }
            catch (Exception) { /* the connection is being thrown away with the transaction */ }
        }
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
