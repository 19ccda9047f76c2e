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

    // Closing the session releases the lock, also when the process dies.
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
