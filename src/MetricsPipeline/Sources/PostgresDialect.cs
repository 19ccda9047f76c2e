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

    public string AsText(string expression) => $"CAST({expression} AS text)";

    public string Instant(string column, TimestampKind kind) => kind == TimestampKind.Local
        ? $"CAST({column} AS timestamp)"
        : $"CAST({column} AS timestamptz)";

    public string LocalDay(string instant, TimestampKind kind, TimeZoneInfo zone, SourceWindow window) => kind == TimestampKind.Local
        ? $"CAST({instant} AS date)"
        : $"CAST(({instant}) AT TIME ZONE {((ISqlDialect)this).Literal(zone.Id)} AS date)";
}
