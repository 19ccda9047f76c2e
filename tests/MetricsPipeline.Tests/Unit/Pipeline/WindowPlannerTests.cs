using MetricsPipeline.Pipeline;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Tests.Unit.Pipeline;

public sealed class WindowPlannerTests
{
    private static readonly DateOnly HistoryFrom = new(2024, 1, 1);

    [Fact]
    public void PlanRun_FirstRun_ChunksHistoryByMonth_FirstOwnsTheBeforeAndLastReachesToday()
    {
        var windows = WindowPlanner.PlanRun(null, 7, HistoryFrom, new DateOnly(2024, 3, 10), chunkMonths: 1);

        Assert.Equal(
        [
            new SourceWindow(new(2024, 1, 1), new(2024, 1, 31), OpenBefore: true, OpenAfter: false),
            new SourceWindow(new(2024, 2, 1), new(2024, 2, 29), OpenBefore: false, OpenAfter: false),
            new SourceWindow(new(2024, 3, 1), new(2024, 3, 10), OpenBefore: false, OpenAfter: true),
        ], windows);
    }

    [Fact]
    public void PlanRun_WithCoverage_StartsLookbackDaysBeforeLastCoveredDay()
    {
        var windows = WindowPlanner.PlanRun(new DateOnly(2025, 5, 20), 7, HistoryFrom, new DateOnly(2025, 5, 21), 1);

        Assert.Equal([new SourceWindow(new(2025, 5, 13), new(2025, 5, 21), false, true)], windows);
    }

    [Fact]
    public void PlanRun_LookbackCrossingMonth_SplitsAtTheMonthBoundary()
    {
        var windows = WindowPlanner.PlanRun(new DateOnly(2025, 6, 2), 7, HistoryFrom, new DateOnly(2025, 6, 3), 1);

        Assert.Equal(
        [
            new SourceWindow(new(2025, 5, 26), new(2025, 5, 31), false, false),
            new SourceWindow(new(2025, 6, 1), new(2025, 6, 3), false, true),
        ], windows);
    }

    [Fact]
    public void PlanRun_LookbackBeforeHistory_ClampsToHistoryFromAndOwnsTheBefore()
    {
        var windows = WindowPlanner.PlanRun(new DateOnly(2024, 1, 3), 7, HistoryFrom, new DateOnly(2024, 1, 4), 1);

        Assert.Equal([new SourceWindow(HistoryFrom, new(2024, 1, 4), true, true)], windows);
    }

    [Fact]
    public void PlanRun_HistoryInTheFuture_PlansNothing()
    {
        Assert.Empty(WindowPlanner.PlanRun(null, 7, new DateOnly(2030, 1, 1), new DateOnly(2025, 1, 1), 1));
    }

    [Fact]
    public void PlanBackfill_ClampsToHistoryAndToday_AndChunksByQuarterWhenAsked()
    {
        var windows = WindowPlanner.PlanBackfill(new DateOnly(2023, 6, 1), new DateOnly(2030, 1, 1), HistoryFrom, new DateOnly(2024, 5, 15), chunkMonths: 3);

        Assert.Equal(
        [
            new SourceWindow(new(2024, 1, 1), new(2024, 3, 31), true, false),
            new SourceWindow(new(2024, 4, 1), new(2024, 5, 15), false, true),
        ], windows);
    }

    private static readonly DateTimeOffset WorkerNow = new(2025, 3, 13, 4, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SourceNow = new(2025, 3, 10, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ClampToToday_WindowUpToTheSourcesToday_IsUnchanged()
    {
        var window = new SourceWindow(new(2025, 3, 1), new(2025, 3, 10), false, true);
        Assert.Equal(window, WindowPlanner.ClampToToday(window, new(2025, 3, 10), WorkerNow, SourceNow));
        var closed = new SourceWindow(new(2025, 2, 1), new(2025, 2, 28), false, false);
        Assert.Equal(closed, WindowPlanner.ClampToToday(closed, new(2025, 3, 10), WorkerNow, SourceNow));
    }

    [Fact]
    public void ClampToToday_WindowPastTheSourcesToday_EndsOnItAndOwnsWhatLiesBeyond()
    {
        // Planned on a worker clock three days ahead; a closed chunk that reaches past the source's today too.
        Assert.Equal(new SourceWindow(new(2025, 3, 1), new(2025, 3, 10), false, true),
            WindowPlanner.ClampToToday(new SourceWindow(new(2025, 3, 1), new(2025, 3, 13), false, true), new(2025, 3, 10), WorkerNow, SourceNow));
        Assert.Equal(new SourceWindow(new(2025, 2, 20), new(2025, 2, 27), true, true),
            WindowPlanner.ClampToToday(new SourceWindow(new(2025, 2, 20), new(2025, 2, 28), true, false), new(2025, 2, 27), WorkerNow, SourceNow));
    }

    [Fact]
    public void ClampToToday_WindowBeginningAfterTheSourcesToday_IsRefusedNamingBothClocks()
    {
        var error = Assert.Throws<SourceClockException>(() =>
            WindowPlanner.ClampToToday(new SourceWindow(new(2025, 3, 1), new(2025, 3, 2), false, true), new(2025, 2, 28), WorkerNow, SourceNow));
        Assert.Contains("begins after the source's today 2025-02-28", error.Message);
        Assert.Contains("2025-03-13 04:00:00Z", error.Message);
        Assert.Contains("2025-03-10 04:00:00Z", error.Message);
    }
}
