using System.Data.Common;
using System.Globalization;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using Microsoft.Data.Sqlite;

namespace MetricsPipeline.Sources;

/// <summary>
/// SQLite files. Timestamps may be ISO text with an offset, naive local text, or Unix seconds; the
/// provider registers mp_instant and mp_day (see <see cref="SqliteDialect"/>) bound to the stream.
/// </summary>
public sealed class SqliteSourceProvider : ISourceProvider
{
    public string Name => "sqlite";

    public ISqlDialect Dialect => SqliteDialect.Instance;

    public async Task<ISourceSession> OpenAsync(SourcePlan source, StreamPlan stream, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(source.ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        if (!File.Exists(builder.DataSource))
            throw new FileNotFoundException($"SQLite file '{builder.DataSource}' does not exist", builder.DataSource);
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var kind = stream.TimestampKind;
            var zone = source.TimeZone;
            connection.CreateFunction("mp_instant", (object? value) => TimestampText.ToInstantTicks(value, kind, zone), isDeterministic: true);
            connection.CreateFunction("mp_day", (long? ticks) =>
                ticks is null ? null : TimestampText.DayOfTicks(ticks.Value, kind, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), isDeterministic: true);
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            return new Session(connection, transaction, source.QueryTimeout);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Session(SqliteConnection connection, SqliteTransaction transaction, TimeSpan timeout)
        : AdoSourceSession(connection, transaction, timeout)
    {
        protected override object BoundValue(DateTime bound) => bound.Ticks;

        // SQLite runs in-process: its clock is this machine's system clock.
        protected override string ClockSql => "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')";

        protected override DateOnly? ReadDay(DbDataReader reader, int ordinal) =>
            DateOnly.ParseExact(reader.GetString(ordinal), "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
