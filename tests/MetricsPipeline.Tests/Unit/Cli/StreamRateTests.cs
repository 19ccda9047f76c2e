using MetricsPipeline.Worker.Cli.Progress;

namespace MetricsPipeline.Tests.Unit.Cli;

public sealed class StreamRateTests
{
    [Fact]
    public void RowsPerSecond_IsTheRowsOfTheWindowsDoneOverTheElapsedTime()
    {
        var rate = new StreamRate(RowsDone: 30_000, WindowsDone: 3, WindowsTotal: 12, Elapsed: TimeSpan.FromSeconds(12));

        Assert.Equal(2_500, rate.RowsPerSecond);
        Assert.Equal("2,500 rows/s", StreamRate.FormatRate(rate.RowsPerSecond));
    }

    [Fact]
    public void Remaining_IsTheAverageTimePerWindowDoneTimesTheWindowsLeft()
    {
        var rate = new StreamRate(RowsDone: 30_000, WindowsDone: 3, WindowsTotal: 12, Elapsed: TimeSpan.FromSeconds(12));

        Assert.Equal(TimeSpan.FromSeconds(36), rate.Remaining);
        Assert.Equal("00:36 left", StreamRate.FormatRemaining(rate.Remaining));
        Assert.Equal("1:02:05 left", StreamRate.FormatRemaining(TimeSpan.FromSeconds(3725)));
    }

    [Fact]
    public void BeforeAnyWindowOrAnyTime_NeitherIsKnown_AndEveryWindowDoneLeavesNothing()
    {
        Assert.Null(new StreamRate(0, 0, 12, TimeSpan.Zero).RowsPerSecond);
        Assert.Null(new StreamRate(0, 0, 12, TimeSpan.FromSeconds(5)).Remaining);
        Assert.Equal("- rows/s", StreamRate.FormatRate(null));
        Assert.Equal("--:-- left", StreamRate.FormatRemaining(null));
        Assert.Equal(TimeSpan.Zero, new StreamRate(900, 12, 12, TimeSpan.FromSeconds(40)).Remaining);
        Assert.Equal(0, new StreamRate(0, 2, 12, TimeSpan.FromSeconds(4)).RowsPerSecond); // empty windows: 0, not unknown
    }
}
