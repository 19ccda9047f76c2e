using MetricsPipeline.Sources;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Which windows a run pulls for one stream. Each run re-pulls from (last covered day − lookback) up to
/// today; a first run starts at History.From. Long ranges are cut into month chunks, each its own
/// transaction, so a first run or a backfill that is killed resumes where it stopped. Pure: no I/O.
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

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
