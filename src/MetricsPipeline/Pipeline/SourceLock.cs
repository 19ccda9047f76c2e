using Npgsql;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// A session-level PostgreSQL advisory lock per source, held for a whole source run. It keeps two windows
/// of the same source from ever running at once, across threads, processes and cluster nodes (a scheduled
/// fire and an operator's run-once included).
/// </summary>
public sealed class SourceLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private SourceLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<SourceLock?> TryAcquireAsync(NpgsqlDataSource warehouse, string source, CancellationToken cancellationToken)
    {
        var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('metrics-pipeline:source:' || @source, 0))", connection);
        command.Parameters.AddWithValue("source", source);
        if (await command.ExecuteScalarAsync(cancellationToken) is true)
            return new SourceLock(connection);
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Releases the lock before the connection goes back to the pool. Closing a pooled connection does not end
    /// its session (Npgsql resets it only when it is next used), so without the explicit unlock the lock would
    /// stay held by an idle connection and the next run of the source would find it busy and be skipped.
    /// A process that dies releases it anyway: its sessions end with it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _connection);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection broke: Npgsql does not pool a broken connection again, and the server ends its
            // session, lock included.
        }
        await _connection.DisposeAsync();
    }
}
