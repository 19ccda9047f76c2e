using MetricsPipeline.Normalize;

namespace MetricsPipeline.Tests.Unit.Normalize;

public sealed class LocalCalendarTests
{
    [Fact]
    public void StartOfDayUtc_Beijing_IsSixteenHundredUtcTheDayBefore()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Equal(new DateTime(2025, 2, 28, 16, 0, 0, DateTimeKind.Utc), LocalCalendar.StartOfDayUtc(new DateOnly(2025, 3, 1), zone));
    }

    [Fact]
    public void StartOfDayUtc_MidnightInDaylightSavingGap_StartsAtFirstExistingMinute()
    {
        // In Santiago clocks jump from 00:00 to 01:00 on 2024-09-08 (UTC-4 to UTC-3).
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var start = LocalCalendar.StartOfDayUtc(new DateOnly(2024, 9, 8), zone);
        Assert.Equal(new DateTime(2024, 9, 8, 4, 0, 0, DateTimeKind.Utc), start);
        Assert.Equal(new DateOnly(2024, 9, 8), LocalCalendar.DayOf(start, zone));
        Assert.Equal(new DateOnly(2024, 9, 7), LocalCalendar.DayOf(start.AddTicks(-1), zone));
    }

    [Fact]
    public void DayOf_InstantAt2330Utc_IsNextBeijingDay()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Equal(new DateOnly(2025, 6, 2), LocalCalendar.DayOf(new DateTimeOffset(2025, 6, 1, 23, 30, 0, TimeSpan.Zero), zone));
    }
}
