using MetricsPipeline.Reporting.Charts;

namespace MetricsPipeline.Reporting;

/// <summary>One trend chart as the page shows it: caption, geometry, the period's numbers in a line, the verdict.</summary>
public sealed record TrendChartView(string Category, string Caption, TrendChartLayout Layout, string Summary, Verdict Verdict);

/// <summary>Chooses the time axis of the report's charts and builds one chart per category.</summary>
public static class TrendCharts
{
    /// <summary>At most this many periods back, the reported one included.</summary>
    public const int MaxPeriods = 8;

    /// <summary>
    /// The periods every chart shares, oldest first: from the first period any category has a value in (a
    /// covered period) to the reported one, at most <see cref="MaxPeriods"/>. Years before the data began
    /// would only be empty space.
    /// </summary>
    public static IReadOnlyList<DateOnly> Axis(ReportPeriod period, IReadOnlyList<TrendPoint> trend)
    {
        var earliest = period.StepBack(MaxPeriods - 1);
        var firstCovered = trend.Where(p => p.Value is not null && p.PeriodStart >= earliest && p.PeriodStart <= period.Start)
            .Select(p => (DateOnly?)p.PeriodStart).Min() ?? period.Start;
        return Enumerable.Range(0, MaxPeriods).Select(i => period.StepBack(MaxPeriods - 1 - i))
            .Where(start => start >= firstCovered).ToList();
    }

    public static IReadOnlyList<TrendChartView> Build(ReportModel model)
    {
        var language = model.Language;
        var axis = Axis(model.Period, model.Trend);
        return model.Trend.GroupBy(p => p.Category).Select(group =>
        {
            var points = group.ToList();
            var unit = ReportText.CountUnit(group.Key, language);
            var current = points.FirstOrDefault(p => p.PeriodStart == model.Period.Start);
            var verdict = current is null
                ? new Verdict(VerdictKind.NotComputable, language.Pick("无法计算:本期无数据", "not computable: no data for the period"))
                : Verdict.Of(current.Status, language.Pick(current.StatusLabelZh ?? current.Status, current.StatusLabelEn ?? current.Status),
                    current.TargetReduction, current.TargetMet, current.TargetBasePeriod, language);
            var label = model.Period.Label;
            var summary = language.Pick(
                $"{label}:{ReportText.Number(current?.Value, 0)} {unit},基期 {ReportText.Number(current?.BaseValue, 0)} {unit};减幅 {ReportText.Percent(current?.Reduction, 1)};目标减幅 {ReportText.Percent(current?.TargetReduction, 0)}",
                $"{label}: {ReportText.Number(current?.Value, 0)} vs base {ReportText.Number(current?.BaseValue, 0)}; reduction {ReportText.Percent(current?.Reduction, 1)}; target {ReportText.Percent(current?.TargetReduction, 0)}");
            return new TrendChartView(group.Key, model.CategoryName(group.Key),
                new TrendChartLayout(axis, model.Period.Kind, points, unit, language), summary, verdict);
        }).ToList();
    }
}
