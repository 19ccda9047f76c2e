using System.Data;
using System.Data.Common;
using MetricsPipeline.Configuration;
using Npgsql;

namespace MetricsPipeline.Sources;

/// <summary>PostgreSQL-wire sources (PostgreSQL, Kingbase, openGauss, Highgo) through Npgsql.</summary>
public sealed class PostgresSourceProvider : ISourceProvider
{
    public string Name => "postgres";

    public ISqlDialect Dialect => PostgresDialect.Instance;

    public async Task<ISourceSession> OpenAsync(SourcePlan source, StreamPlan stream, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString)
        {
            // Naive timestamps are read as UTC wall time (TimestampKind utc); zones are applied explicitly.
            Timezone = "UTC",
            ApplicationName = $"metrics-pipeline:{source.Name}",
            // One connection per window, closed after it: no idle pool left on department servers.
            Pooling = false,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // REPEATABLE READ: the reconciliation count and the groups see one snapshot.
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
                await readOnly.ExecuteNonQueryAsync(cancellationToken);
            return new Session(connection, transaction, source.QueryTimeout);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Session(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan timeout)
        : AdoSourceSession(connection, transaction, timeout)
    {
        protected override object BoundValue(DateTime bound) => bound;

        // The transaction's start: the same instant the snapshot was taken.
        protected override string ClockSql => "SELECT CAST(now() AS timestamptz)";

        protected override DateOnly? ReadDay(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateOnly>(ordinal);
    }
}
