namespace MetricsPipeline.Sources;

/// <summary>
/// PostgreSQL and the databases that speak its wire protocol (Kingbase, openGauss, Highgo).
/// The session runs with TimeZone=UTC, so a naive timestamp cast to timestamptz is read as UTC.
/// </summary>
public sealed class PostgresDialect : ISqlDialect
{
    public static readonly PostgresDialect Instance = new();

    public string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    public string Divide(string left, string right) => $"(CAST({left} AS numeric) / NULLIF({right}, 0))";

    // "C" is deterministic and compares bytes: a column under a non-deterministic (ICU, deterministic = false)
    // collation would otherwise group 'C01' and 'c01' together.
    public string AsText(string expression) => $"(CAST({expression} AS text) COLLATE \"C\")";

    public string Instant(string column, TimestampKind kind) => kind == TimestampKind.Local
        ? $"CAST({column} AS timestamp)"
        : $"CAST({column} AS timestamptz)";

    public string LocalDay(string instant, TimestampKind kind, TimeZoneInfo zone, SourceWindow window) => kind == TimestampKind.Local
        ? $"CAST({instant} AS date)"
        : $"CAST(({instant}) AT TIME ZONE {((ISqlDialect)this).Literal(zone.Id)} AS date)";
}
