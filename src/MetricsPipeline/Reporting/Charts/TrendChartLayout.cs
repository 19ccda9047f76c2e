using System.Globalization;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Reporting.Charts;

/// <summary>
/// The geometry of one trend chart (value, base and target lines of a category over the report's periods),
/// computed here so the page only places what it is given and the arithmetic is testable without a browser.
/// The time axis is the one the report chose (from the first covered period, not empty years); the value axis
/// has several labelled ticks and names the unit; the margins leave room for the outermost tick labels.
/// </summary>
public sealed class TrendChartLayout
{
    public const int Width = 360, Height = 210;
    private const int Left = 52, Right = 30, Top = 26, Bottom = 30;

    public sealed record Tick(double Position, string Label);

    public sealed record Point(double X, double Y, bool Published, string Title);

    public string UnitTitle { get; }
    public IReadOnlyList<Tick> YTicks { get; }
    public IReadOnlyList<Tick> XTicks { get; }
    public string ValueLine { get; }
    public string BaseLine { get; }
    public string TargetLine { get; }
    public IReadOnlyList<Point> Points { get; }

    public static double PlotLeft => Left;
    public static double PlotRight => Width - Right;
    public static double PlotTop => Top;
    public static double PlotBottom => Height - Bottom;

    /// <param name="axis">The period starts on the time axis, oldest first.</param>
    /// <param name="kind">year, quarter, month or week.</param>
    /// <param name="points">The category's rows; those outside the axis are ignored.</param>
    /// <param name="unit">What one unit of the value is (件, meetings ...).</param>
    /// <param name="language">The reader's language.</param>
    public TrendChartLayout(IReadOnlyList<DateOnly> axis, string kind, IReadOnlyList<TrendPoint> points, string unit, DisplayLanguage language)
    {
        var shown = points.Where(p => axis.Contains(p.PeriodStart)).ToList();
        var values = shown.SelectMany(p => new[] { p.Value, p.BaseValue, Target(p) }).OfType<decimal>().ToList();
        var ticks = AxisTicks.For(values.DefaultIfEmpty(0).Max(), wholeNumbers: true);
        var top = ticks[^1];

        double X(DateOnly start) => axis.Count == 1
            ? (PlotLeft + PlotRight) / 2
            : PlotLeft + (PlotRight - PlotLeft) * IndexOf(axis, start) / (axis.Count - 1);
        double Y(decimal v) => PlotBottom - (PlotBottom - PlotTop) * (double)(v / top);
        string Line(Func<TrendPoint, decimal?> value) => string.Join(' ', shown
            .Where(p => value(p) is not null)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.PeriodStart):0.#},{Y(value(p)!.Value):0.#}")));

        UnitTitle = language.Pick($"单位:{unit}", unit);
        YTicks = ticks.Select(t => new Tick(Y(t), t.ToString("N0", CultureInfo.InvariantCulture))).ToList();
        // Every label while they fit; past five periods every second one, counted back from the newest so it is always named.
        XTicks = axis.Select((start, i) => (start, i))
            .Where(x => axis.Count <= 5 || (axis.Count - 1 - x.i) % 2 == 0)
            .Select(x => new Tick(X(x.start), ReportText.PeriodLabel(kind, x.start)))
            .ToList();
        ValueLine = Line(p => p.Value);
        BaseLine = Line(p => p.BaseValue);
        TargetLine = Line(Target);
        Points = shown.Where(p => p.Value is not null)
            .Select(p => new Point(X(p.PeriodStart), Y(p.Value!.Value), p.Status == "ok",
                $"{ReportText.PeriodLabel(kind, p.PeriodStart)}: {ReportText.Number(p.Value, 0)} {unit}"))
            .ToList();
    }

    private static int IndexOf(IReadOnlyList<DateOnly> axis, DateOnly start)
    {
        for (var i = 0; i < axis.Count; i++)
            if (axis[i] == start)
                return i;
        throw new ArgumentException($"{start} is not on the axis", nameof(start));
    }

    /// <summary>The target line: base × (1 − target reduction).</summary>
    private static decimal? Target(TrendPoint p) => p.BaseValue is { } b && p.TargetReduction is { } t ? b * (1 - t) : null;
}
