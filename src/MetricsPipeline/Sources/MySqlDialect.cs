using System.Globalization;

namespace MetricsPipeline.Sources;

/// <summary>
/// MySQL-wire databases (MySQL, MariaDB, TiDB, OceanBase). The session runs with time_zone '+00:00', so
/// TIMESTAMP columns read as UTC and DATETIME columns are taken as written. Most servers have no time-zone
/// tables loaded, so zone rules are applied without CONVERT_TZ: where the zone's offset is fixed over the
/// window (Asia/Shanghai always is) the day is DATE(ts + offset); otherwise the aggregation groups by
/// 15-minute UTC buckets ('yyyy-MM-dd HH:mm') and the provider turns each bucket into its local day.
/// </summary>
public sealed class MySqlDialect : ISqlDialect
{
    public static readonly MySqlDialect Instance = new();

    public string QuoteIdentifier(string name) => "`" + name.Replace("`", "``") + "`";

    public string Divide(string left, string right) => $"(CAST({left} AS DECIMAL(38, 10)) / NULLIF({right}, 0))";

    // The server's default collations are case-insensitive and PAD SPACE (even utf8mb4_bin ignores trailing
    // spaces), so GROUP BY would merge 'C01', 'c01' and 'C01 '. A binary string groups by its bytes; converting to
    // utf8mb4 first makes those bytes UTF-8 whatever the column's character set, and the session decodes them.
    public string AsText(string expression) => $"CAST(CONVERT({expression} USING utf8mb4) AS BINARY)";

    public string Instant(string column, TimestampKind kind) => column;

    public string LocalDay(string instant, TimestampKind kind, TimeZoneInfo zone, SourceWindow window)
    {
        if (kind == TimestampKind.Local)
            return $"DATE({instant})";
        if (FixedOffset(zone, window) is { } offset)
            return $"DATE(DATE_ADD({instant}, INTERVAL {(long)offset.TotalSeconds} SECOND))";
        return $"CONCAT(DATE_FORMAT({instant}, '%Y-%m-%d %H:'), LPAD(FLOOR(MINUTE({instant}) / 15) * 15, 2, '0'))";
    }

    public string Literal(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "''") + "'";

    /// <summary>The zone's offset if it is the same at every local midnight of the window (and a day beyond), else null.</summary>
    public static TimeSpan? FixedOffset(TimeZoneInfo zone, SourceWindow window)
    {
        // An open window also owns future rows; a year ahead is far enough to decide.
        var last = window.OpenAfter ? window.To.AddYears(1) : window.To.AddDays(1);
        var first = window.OpenBefore ? window.From.AddYears(-30) : window.From.AddDays(-1);
        var offset = zone.GetUtcOffset(first.ToDateTime(TimeOnly.MinValue));
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (zone.GetUtcOffset(day.ToDateTime(new TimeOnly(12, 0))) != offset)
                return null;
        }
        return offset;
    }

    /// <summary>Reads a day column: a DATE, or a 15-minute UTC bucket turned into its local day.</summary>
    public static DateOnly ReadDay(object value, TimeZoneInfo zone) => value switch
    {
        DateTime date => DateOnly.FromDateTime(date),
        DateOnly day => day,
        string bucket => Normalize.LocalCalendar.DayOf(
            new DateTimeOffset(DateTime.ParseExact(bucket, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), TimeSpan.Zero), zone),
        _ => throw new InvalidCastException($"unexpected day value {value} ({value.GetType().Name})"),
    };
}
