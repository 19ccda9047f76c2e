using MetricsPipeline.Sources;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Which windows a run pulls for one stream. Each run re-pulls from (last covered day − lookback) up to
/// today; a first run starts at History.From. Long ranges are cut into month chunks, each its own
/// transaction, so a first run or a backfill that is killed resumes where it stopped. Pure: no I/O; the clocks
/// are read by the caller (<see cref="WindowLoader"/> checks each window against the source's today).
/// </summary>
public static class WindowPlanner
{
    public static IReadOnlyList<SourceWindow> PlanRun(DateOnly? lastCovered, int lookbackDays, DateOnly historyFrom, DateOnly today, int chunkMonths)
    {
        var start = lastCovered is { } last ? Max(historyFrom, last.AddDays(-lookbackDays)) : historyFrom;
        return Chunk(start, today, historyFrom, today, chunkMonths);
    }

    public static IReadOnlyList<SourceWindow> PlanBackfill(DateOnly from, DateOnly to, DateOnly historyFrom, DateOnly today, int chunkMonths) =>
        Chunk(Max(from, historyFrom), Min(to, today), historyFrom, today, chunkMonths);

    private static IReadOnlyList<SourceWindow> Chunk(DateOnly start, DateOnly end, DateOnly historyFrom, DateOnly today, int chunkMonths)
    {
        var windows = new List<SourceWindow>();
        var from = start;
        while (from <= end)
        {
            // Chunks end on month boundaries so a chunk is a calendar month (or a few).
            var monthStart = new DateOnly(from.Year, from.Month, 1);
            var to = Min(monthStart.AddMonths(chunkMonths).AddDays(-1), end);
            windows.Add(new SourceWindow(from, to, OpenBefore: from == historyFrom, OpenAfter: to == today));
            from = to.AddDays(1);
        }
        return windows;
    }

    /// <summary>
    /// The window as it may be loaded once the source's today is known (the day of the earlier of the worker's and
    /// the source's clocks). A day after it is never covered: a window reaching past it ends on it and owns what lies
    /// beyond as future rows; a window that begins after it is not loaded at all (<see cref="SourceClockException"/>).
    /// </summary>
    public static SourceWindow ClampToToday(SourceWindow window, DateOnly today, DateTimeOffset workerNow, DateTimeOffset sourceNow)
    {
        if (window.To <= today)
            return window;
        if (window.From <= today)
            return window with { To = today, OpenAfter = true };
        throw new SourceClockException(
            $"window {window} begins after the source's today {today:yyyy-MM-dd}: this worker's clock reads {workerNow.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, " +
            $"the source's {sourceNow.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z. Days the source has not reached are not loaded or covered; " +
            "fix the clock (NTP) and the next run plans its windows again");
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}

/// <summary>The worker's clock is ahead of the source's by more than the window's distance from today: not loaded, not retried.</summary>
public sealed class SourceClockException(string message) : Exception(message);
