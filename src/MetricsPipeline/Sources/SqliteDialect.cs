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

    // A column declared COLLATE NOCASE or RTRIM would group by that collation; BINARY compares bytes.
    public string AsText(string expression) => $"(CAST({expression} AS TEXT) COLLATE BINARY)";

    public string Instant(string column, TimestampKind kind) => $"mp_instant({column})";

    public string LocalDay(string instant, TimestampKind kind, TimeZoneInfo zone, SourceWindow window) => $"mp_day({instant})";

    /// <summary>
    /// mp_instant is a call into .NET per row, so a history chunk would parse the whole table. ISO text
    /// ('yyyy-MM-dd…') whose date lies more than three days outside the window (offsets and zones move a
    /// day by at most two) cannot belong to it and is skipped by a plain string comparison. Anything else
    /// (numbers, other formats) still goes through the exact filter. The window that reaches now owns
    /// unreadable values, so it gets no prefilter.
    /// </summary>
    public string? Prefilter(string column, SourceWindow window)
    {
        if (window.OpenAfter)
            return null;
        var upper = window.To.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var lower = window.From.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var range = window.OpenBefore ? $"substr({column}, 1, 10) <= '{upper}'" : $"substr({column}, 1, 10) BETWEEN '{lower}' AND '{upper}'";
        return $"(typeof({column}) <> 'text' OR {column} NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' OR {range})";
    }
}
