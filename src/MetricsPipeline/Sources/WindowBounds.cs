using MetricsPipeline.Normalize;

namespace MetricsPipeline.Sources;

/// <summary>
/// The window's limits as values comparable with <see cref="ISqlDialect.Instant"/>: UTC instants for
/// utc/offset streams (local midnights converted with the zone's rules, daylight saving included), and
/// local wall times for local streams (whose day is simply the wall date, so no conversion can misplace it).
/// </summary>
public sealed record WindowBounds(DateTime Lower, DateTime Upper, DateTime Now, DateTime HistoryLower)
{
    public static WindowBounds For(SourceWindow window, TimestampKind kind, TimeZoneInfo zone, DateOnly historyFrom, DateTimeOffset now)
    {
        if (kind == TimestampKind.Local)
        {
            return new WindowBounds(
                window.From.ToDateTime(TimeOnly.MinValue),
                window.To.AddDays(1).ToDateTime(TimeOnly.MinValue),
                LocalCalendar.LocalWallTime(now, zone),
                historyFrom.ToDateTime(TimeOnly.MinValue));
        }
        return new WindowBounds(
            LocalCalendar.StartOfDayUtc(window.From, zone),
            LocalCalendar.StartOfDayUtc(window.To.AddDays(1), zone),
            now.UtcDateTime,
            LocalCalendar.StartOfDayUtc(historyFrom, zone));
    }
}
