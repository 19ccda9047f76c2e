namespace MetricsPipeline.Sources;

/// <summary>
/// SQLite has no time zones, so the provider registers two functions on each connection, written in
/// .NET and bound to the stream's kind and zone: mp_instant(x) (comparable instant as ticks, NULL when
/// unreadable) and mp_day(ticks) (the local day as yyyy-MM-dd). SQLite runs in-process, so this is
/// still a pushed-down GROUP BY.
/// </summary>
public sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    public string Divide(string left, string right) => $"(CAST({left} AS REAL) / NULLIF({right}, 0))";

    public string AsText(string expression) => $"CAST({expression} AS TEXT)";

    public string Instant(string column, TimestampKind kind) => $"mp_instant({column})";

    public string LocalDay(string instant, TimestampKind kind, string timeZone) => $"mp_day({instant})";
}
