namespace MetricsPipeline.Samples;

/// <summary>Wall-clock times of day as the sources record them, in Beijing time.</summary>
public static class LocalTime
{
    /// <summary>Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact here.</summary>
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    public static DateTime ToUtc(DateTime beijingWallTime) =>
        DateTime.SpecifyKind(beijingWallTime - BeijingOffset, DateTimeKind.Utc);

    /// <summary>
    /// Office hours with a morning peak, some overtime in the evening and a few before 08:00 — the last are
    /// the ones whose UTC date is the previous day, which tests local-day bucketing.
    /// </summary>
    public static TimeSpan Office(Random rng)
    {
        var roll = rng.NextDouble();
        double hour = roll switch
        {
            < 0.04 => 6.0 + 2.0 * rng.NextDouble(),   // early: 06:00–08:00, previous UTC day
            < 0.50 => 8.5 + 3.5 * rng.NextDouble(),   // morning
            < 0.88 => 14.0 + 4.0 * rng.NextDouble(),  // afternoon
            _ => 18.0 + 5.9 * rng.NextDouble(),       // overtime until almost midnight
        };
        return TimeSpan.FromSeconds(Math.Floor(hour * 3600));
    }

    /// <summary>Meeting starts: on the quarter hour, mostly 09:00 and 14:30-ish, some evening meetings.</summary>
    public static TimeSpan MeetingStart(Random rng)
    {
        var roll = rng.NextDouble();
        var quarter = roll switch
        {
            < 0.45 => rng.Between(8 * 4 + 2, 11 * 4),   // 08:30–11:00
            < 0.90 => rng.Between(14 * 4, 17 * 4),      // 14:00–17:00
            _ => rng.Between(19 * 4, 21 * 4),           // 19:00–21:00
        };
        return TimeSpan.FromMinutes(quarter * 15);
    }

    /// <summary>Check-ins cluster at the morning roll call; photo uploads follow patrols through the day.</summary>
    public static TimeSpan CheckIn(Random rng, bool photo)
    {
        double hour = photo
            ? 8.0 + 11.0 * rng.NextDouble()
            : rng.Chance(0.8) ? 7.5 + 1.5 * rng.NextDouble() : 12.0 + 6.0 * rng.NextDouble();
        return TimeSpan.FromSeconds(Math.Floor(hour * 3600));
    }
}
