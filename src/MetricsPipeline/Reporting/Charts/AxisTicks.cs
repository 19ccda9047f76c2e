namespace MetricsPipeline.Reporting.Charts;

/// <summary>
/// "Nice" ticks for a value axis from 0: steps of 1, 2, 2.5 or 5 times a power of ten, about four intervals,
/// the top tick at or above the largest value, so every value sits inside the axis and the reader can
/// interpolate. Counts are whole numbers, so their step is at least 1.
/// </summary>
public static class AxisTicks
{
    public static IReadOnlyList<decimal> For(decimal max, bool wholeNumbers)
    {
        if (max <= 0)
            max = 1;
        var rough = (double)max / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var normalised = rough / magnitude;
        var step = (decimal)((normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10) * magnitude);
        // 2.5 is a nice step only from 25 up; for whole numbers below that the next nice step (5), and never below 1.
        if (wholeNumbers && step % 1 != 0)
            step = step < 1 ? 1 : 2 * step;
        var top = Math.Ceiling(max / step) * step;
        var ticks = new List<decimal>();
        for (var tick = 0m; tick <= top; tick += step)
            ticks.Add(tick);
        return ticks;
    }
}
