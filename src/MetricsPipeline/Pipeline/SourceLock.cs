using Npgsql;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// A session-level PostgreSQL advisory lock per source, held for a whole source run. It keeps two windows
/// of the same source from ever running at once, across threads, processes and cluster nodes (a scheduled
/// fire and an operator's run-once included).
/// </summary>
public sealed class SourceLock : IAsyncDisposable
{
    private readonly NpgsqlDataSource _warehouse;
    private readonly string _source;
    private NpgsqlConnection _connection;

    private SourceLock(NpgsqlDataSource warehouse, string source, NpgsqlConnection connection)
    {
        _warehouse = warehouse;
        _source = source;
        _connection = connection;
    }

    public static async Task<SourceLock?> TryAcquireAsync(NpgsqlDataSource warehouse, string source, CancellationToken cancellationToken)
    {
        var connection = await TryLockAsync(warehouse, source, cancellationToken);
        return connection is null ? null : new SourceLock(warehouse, source, connection);
    }

    /// <summary>
    /// Whether this run still holds the lock, checked before each window. The lock lives in one warehouse
    /// session, and a warehouse restart (or a terminated backend) ends that session and frees it: another node
    /// may then start the same source. If the session is gone, the lock is taken again on a new session when
    /// it is free. <see cref="SourceLockState.Unreachable"/>: the warehouse cannot be reached to tell (the
    /// window's own retries then wait for it, and the next check takes the lock again).
    /// </summary>
    public async Task<SourceLockState> EnsureHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var probe = new NpgsqlCommand("SELECT 1", _connection);
            await probe.ExecuteScalarAsync(cancellationToken);
            return SourceLockState.Held; // the session lives, and a session-level lock is only released by its session
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The session is gone (InvalidOperationException: the connection was already closed as broken).
        }
        try
        {
            var connection = await TryLockAsync(_warehouse, _source, cancellationToken);
            if (connection is null)
                return SourceLockState.HeldByAnotherRun;
            await _connection.DisposeAsync();
            _connection = connection;
            return SourceLockState.Held;
        }
        catch (NpgsqlException)
        {
            return SourceLockState.Unreachable;
        }
    }

    private static async Task<NpgsqlConnection?> TryLockAsync(NpgsqlDataSource warehouse, string source, CancellationToken cancellationToken)
    {
        var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('metrics-pipeline:source:' || @source, 0))", connection);
            command.Parameters.AddWithValue("source", source);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
                return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
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
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection broke (or was lost for good in EnsureHeldAsync): Npgsql does not pool a broken
            // connection again, and the server ends its session, lock included.
        }
        await _connection.DisposeAsync();
    }
}

public enum SourceLockState
{
    Held,
    /// <summary>The lock was lost with its session and another run of the source has taken it since.</summary>
    HeldByAnotherRun,
    /// <summary>The lock's session is gone and the warehouse cannot be reached right now.</summary>
    Unreachable,
}
