using System.Globalization;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Normalize;

/// <summary>
/// Reads timestamps that sources store as text or numbers (SQLite, CSV): ISO-8601 text with or without an
/// offset, or Unix seconds. The result is a comparable instant: UTC ticks for utc/offset streams, local
/// wall-clock ticks for local streams. Anything unreadable is null, and the rows go to quarantine.
/// </summary>
public static class TimestampText
{
    private static readonly string[] WithOffset =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd HH:mmzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm'Z'",
    ];

    private static readonly string[] Naive =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm",
        "yyyy/MM/dd HH:mm:ss", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy-MM-dd",
    ];

    /// <summary>Returns the comparable instant as ticks, or null when the value cannot be read for this kind.</summary>
    public static long? ToInstantTicks(object? value, TimestampKind kind, TimeZoneInfo zone)
    {
        switch (value)
        {
            case null or DBNull:
                return null;
            case long seconds:
                return FromUnixSeconds(seconds, kind, zone);
            case double secondsWithFraction when double.IsFinite(secondsWithFraction):
                return FromUnixSeconds((long)Math.Floor(secondsWithFraction), kind, zone);
            case string text:
                return FromText(text.Trim(), kind, zone);
            default:
                return null;
        }
    }

    /// <summary>The local calendar day of an instant produced by <see cref="ToInstantTicks"/>.</summary>
    public static DateOnly DayOfTicks(long ticks, TimestampKind kind, TimeZoneInfo zone) => kind == TimestampKind.Local
        ? DateOnly.FromDateTime(new DateTime(ticks))
        : LocalCalendar.DayOf(new DateTimeOffset(ticks, TimeSpan.Zero), zone);

    private static long? FromUnixSeconds(long seconds, TimestampKind kind, TimeZoneInfo zone)
    {
        // Unix seconds are an instant whatever the kind says; a local stream compares wall times.
        if (seconds is < -62135596800 or > 253402300799)
            return null;
        var instant = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return kind == TimestampKind.Local ? LocalCalendar.LocalWallTime(instant, zone).Ticks : instant.UtcTicks;
    }

    private static long? FromText(string text, TimestampKind kind, TimeZoneInfo zone)
    {
        if (DateTimeOffset.TryParseExact(text, WithOffset, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var withOffset))
            return kind == TimestampKind.Local ? LocalCalendar.LocalWallTime(withOffset, zone).Ticks : withOffset.UtcTicks;

        if (!DateTime.TryParseExact(text, Naive, CultureInfo.InvariantCulture, DateTimeStyles.None, out var naive))
            return null;
        return kind switch
        {
            TimestampKind.Local => naive.Ticks,
            TimestampKind.Utc => naive.Ticks, // UTC wall time: its ticks are the UTC instant's
            // An "offset" stream promised an offset; a bare wall time would be a guess, so it is unreadable.
            _ => null,
        };
    }
}
