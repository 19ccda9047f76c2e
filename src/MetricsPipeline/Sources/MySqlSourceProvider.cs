using System.Data;
using System.Data.Common;
using MetricsPipeline.Configuration;
using MySqlConnector;

namespace MetricsPipeline.Sources;

/// <summary>MySQL-wire sources through MySqlConnector, read in one consistent InnoDB snapshot.</summary>
public sealed class MySqlSourceProvider : ISourceProvider
{
    public string Name => "mysql";

    public ISqlDialect Dialect => MySqlDialect.Instance;

    public async Task<ISourceSession> OpenAsync(SourcePlan source, StreamPlan stream, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(source.ConnectionString)
        {
            Pooling = false,
            ApplicationName = $"metrics-pipeline:{source.Name}",
            // Zero dates ('0000-00-00') read as NULL timestamps (quarantined) instead of throwing.
            ConvertZeroDateTime = false,
            AllowZeroDateTime = false,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // UTC session; and in-memory temp tables big enough that a month's GROUP BY does not spill to disk
            // (the defaults, 16 MB, turn a 1 M-row aggregation from ~2 s into ~16 s).
            await using (var setup = new MySqlCommand(
                "SET SESSION time_zone = '+00:00', SESSION tmp_table_size = 268435456, SESSION max_heap_table_size = 268435456", connection))
                await setup.ExecuteNonQueryAsync(cancellationToken);
            // Snapshot = REPEATABLE READ with a consistent snapshot taken at once: count and groups agree.
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.Snapshot, isReadOnly: true, cancellationToken);
            return new Session(connection, transaction, source.QueryTimeout, source.TimeZone);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private sealed class Session(MySqlConnection connection, MySqlTransaction transaction, TimeSpan timeout, TimeZoneInfo zone)
        : AdoSourceSession(connection, transaction, timeout)
    {
        protected override object BoundValue(DateTime bound) => DateTime.SpecifyKind(bound, DateTimeKind.Unspecified);

        protected override string ClockSql => "SELECT UTC_TIMESTAMP(6)";

        protected override DateOnly? ReadDay(DbDataReader reader, int ordinal) => MySqlDialect.ReadDay(reader.GetValue(ordinal), zone);

        // Unit and code arrive as binary strings (exact grouping, see MySqlDialect.AsText) holding UTF-8.
        protected override string ReadText(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
        {
            byte[] bytes => StrictUtf8.GetString(bytes),
            var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        };
    }
}
