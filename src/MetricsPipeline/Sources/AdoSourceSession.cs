using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace MetricsPipeline.Sources;

/// <summary>
/// A source session over any ADO.NET provider: one connection, one read-only transaction (one snapshot),
/// and the aggregation's rows streamed as <see cref="SourceGroup"/>s.
/// </summary>
public abstract class AdoSourceSession(DbConnection connection, DbTransaction transaction, TimeSpan queryTimeout) : ISourceSession
{
    /// <summary>Converts a window bound into the value the dialect's instant expression compares with.</summary>
    protected abstract object BoundValue(DateTime bound);

    /// <summary>Reads the day column of a group row.</summary>
    protected abstract DateOnly? ReadDay(DbDataReader reader, int ordinal);

    /// <summary>A statement returning the server's current UTC time (a timestamp, or text 'yyyy-MM-dd HH:mm:ss.fff').</summary>
    protected abstract string ClockSql { get; }

    public async Task<DateTimeOffset> ReadClockAsync(CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = ClockSql;
        command.CommandTimeout = (int)Math.Ceiling(queryTimeout.TotalSeconds);
        return await command.ExecuteScalarAsync(cancellationToken) switch
        {
            DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
            DateTimeOffset instant => instant,
            string text => DateTimeOffset.ParseExact(text, "yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal),
            var other => throw new InvalidDataException($"the source's clock ({ClockSql}) returned {other} ({other?.GetType().Name ?? "NULL"}), not a time"),
        };
    }

    /// <summary>Reads a unit or code column (<see cref="ISqlDialect.AsText"/>); text unless the dialect sends bytes.</summary>
    protected virtual string ReadText(DbDataReader reader, int ordinal) => reader.GetString(ordinal);

    public async Task<long> CountRowsAsync(AggregationQuery query, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(query.CountSql, query.Bounds);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(result);
    }

    public async IAsyncEnumerable<SourceGroup> ReadGroupsAsync(AggregationQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(query.GroupSql, query.Bounds);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var valueCount = query.ValueMeasures.Count;
        while (await reader.ReadAsync(cancellationToken))
        {
            var unit = reader.IsDBNull(0) ? null : ReadText(reader, 0);
            var code = reader.IsDBNull(1) ? null : ReadText(reader, 1);
            var day = reader.IsDBNull(2) ? (DateOnly?)null : ReadDay(reader, 2);
            var problem = reader.IsDBNull(3) ? null : reader.GetString(3);
            var rows = Convert.ToInt64(reader.GetValue(4));
            var values = new decimal?[valueCount];
            for (var i = 0; i < valueCount; i++)
                values[i] = reader.IsDBNull(5 + i) ? null : Convert.ToDecimal(reader.GetValue(5 + i));
            yield return new SourceGroup(unit, code, day, problem, rows, values);
        }
    }

    private DbCommand CreateCommand(string sql, WindowBounds bounds)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandType = CommandType.Text;
        command.CommandTimeout = (int)Math.Ceiling(queryTimeout.TotalSeconds);
        AddParameter(command, "lower", BoundValue(bounds.Lower));
        AddParameter(command, "upper", BoundValue(bounds.Upper));
        AddParameter(command, "now", BoundValue(bounds.Now));
        AddParameter(command, "history_lower", BoundValue(bounds.HistoryLower));
        return command;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        // Only parameters the statement uses are added: some drivers reject unused ones.
        if (!command.CommandText.Contains("@" + name, StringComparison.Ordinal))
            return;
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
