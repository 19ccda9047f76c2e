using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Tests.Unit.Normalize;

public sealed class TimestampTextTests
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateOnly? Day(object value, TimestampKind kind, TimeZoneInfo zone) =>
        TimestampText.ToInstantTicks(value, kind, zone) is { } ticks ? TimestampText.DayOfTicks(ticks, kind, zone) : null;

    [Theory]
    [InlineData("2025-03-01T15:59:59Z", "2025-03-01")] // 23:59:59 in Beijing
    [InlineData("2025-03-01T16:00:00Z", "2025-03-02")] // 00:00:00 in Beijing: the next local day
    [InlineData("2025-03-01 15:59:59", "2025-03-01")] // naive text read as UTC wall time
    [InlineData("2025-03-01 16:00:00", "2025-03-02")]
    public void UtcKind_MidnightBoundary_FallsOnBeijingDay(string text, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), Day(text, TimestampKind.Utc, Beijing));
    }

    [Theory]
    [InlineData("2025-03-01T23:59:59+08:00", "2025-03-01")]
    [InlineData("2025-03-02T00:00:00+08:00", "2025-03-02")]
    [InlineData("2025-03-01T16:00:00+00:00", "2025-03-02")]
    [InlineData("2025-03-01T10:30:00-05:00", "2025-03-01")] // 15:30Z = 23:30 Beijing
    [InlineData("2025-03-01T11:00:00-05:00", "2025-03-02")] // 16:00Z = 00:00 Beijing
    public void OffsetKind_MidnightBoundary_UsesTheTextsOffset(string text, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), Day(text, TimestampKind.Offset, Beijing));
    }

    [Fact]
    public void OffsetKind_TextWithoutOffset_IsUnreadable()
    {
        Assert.Null(TimestampText.ToInstantTicks("2025-03-01 12:00:00", TimestampKind.Offset, Beijing));
    }

    [Theory]
    [InlineData("2025-03-01 23:59:59", "2025-03-01")]
    [InlineData("2025-03-02 00:00:00", "2025-03-02")]
    [InlineData("2025-03-01T23:59:59.999", "2025-03-01")]
    public void LocalKind_MidnightBoundary_IsTheWallDate(string text, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), Day(text, TimestampKind.Local, Beijing));
    }

    [Fact]
    public void LocalKind_WallTimeInDaylightSavingGap_KeepsItsWallDate()
    {
        // 02:30 on 2025-03-09 does not exist in New York; the event still belongs to that local day.
        Assert.Equal(new DateOnly(2025, 3, 9), Day("2025-03-09 02:30:00", TimestampKind.Local, NewYork));
    }

    [Fact]
    public void UnixSeconds_AreInstants_ForEveryKind()
    {
        var secondsAtBeijingMidnight = new DateTimeOffset(2025, 3, 1, 16, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal(new DateOnly(2025, 3, 2), Day(secondsAtBeijingMidnight, TimestampKind.Utc, Beijing));
        Assert.Equal(new DateOnly(2025, 3, 2), Day(secondsAtBeijingMidnight, TimestampKind.Local, Beijing));
        Assert.Equal(new DateOnly(2025, 3, 1), Day(secondsAtBeijingMidnight - 1, TimestampKind.Local, Beijing));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2025-13-01 00:00:00")]
    [InlineData("01/03/2025")]
    [InlineData("")]
    public void Unparsable_IsNull(string text)
    {
        Assert.Null(TimestampText.ToInstantTicks(text, TimestampKind.Local, Beijing));
    }
}
