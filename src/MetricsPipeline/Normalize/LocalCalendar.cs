namespace MetricsPipeline.Normalize;

/// <summary>
/// Local calendar days in a time zone. A day is the unit's local calendar day: an event at 23:30 UTC
/// is on the next day in Beijing. Pure functions, no I/O.
/// </summary>
public static class LocalCalendar
{
    public static DateOnly DayOf(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public static DateOnly Today(TimeProvider clock, TimeZoneInfo zone) => DayOf(clock.GetUtcNow(), zone);

    /// <summary>
    /// The UTC instant at which a local day begins. Where midnight does not exist (a daylight-saving
    /// gap at 00:00, as in some zones), the day begins at the first local time that does.
    /// </summary>
    public static DateTime StartOfDayUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(1);
        // An ambiguous midnight (clocks set back to 00:00) begins at its first occurrence: the larger offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }

    /// <summary>The local wall time of an instant, as a naive DateTime.</summary>
    public static DateTime LocalWallTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);

    /// <summary>The first day of the month that contains the day.</summary>
    public static DateOnly MonthStart(DateOnly day) => new(day.Year, day.Month, 1);
}
