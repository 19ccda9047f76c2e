using MetricsPipeline.Configuration;
using MetricsPipeline.Reporting;
using MetricsPipeline.Reporting.Charts;

namespace MetricsPipeline.Tests.Unit.Reporting;

public sealed class TrendChartsTests
{
    private static TrendPoint Point(DateOnly start, decimal? value, decimal? baseValue = 100) =>
        new("document.formal", start, value, baseValue, null, 0.3m, null, "ok", null, "2024", "已计算", "computed");

    [Fact]
    public void Axis_StartsAtTheFirstPeriodWithAValue()
    {
        var period = ReportPeriod.Parse("2025");
        var axis = TrendCharts.Axis(period, [Point(new DateOnly(2020, 1, 1), null), Point(new DateOnly(2024, 1, 1), 80), Point(new DateOnly(2025, 1, 1), 70)]);

        Assert.Equal([new DateOnly(2024, 1, 1), new DateOnly(2025, 1, 1)], axis);
    }

    [Fact]
    public void Axis_AtMostEightPeriods()
    {
        var period = ReportPeriod.Parse("2025-Q4");
        var points = Enumerable.Range(0, 12).Select(i => Point(period.StepBack(i), 10)).ToList();

        var axis = TrendCharts.Axis(period, points);

        Assert.Equal(8, axis.Count);
        Assert.Equal((period.StepBack(7), period.Start), (axis[0], axis[^1]));
    }

    [Fact]
    public void Axis_NoValueAtAll_IsTheReportedPeriodAlone()
    {
        var period = ReportPeriod.Parse("2025-03");

        Assert.Equal([period.Start], TrendCharts.Axis(period, []));
    }

    [Fact]
    public void Layout_KeepsTheOuterTickLabelsInsideTheChart()
    {
        var period = ReportPeriod.Parse("2025-Q4");
        var axis = Enumerable.Range(0, 8).Select(i => period.StepBack(7 - i)).ToList();
        var layout = new TrendChartLayout(axis, "quarter", axis.Select(a => Point(a, 12_345, 15_000)).ToList(), "件", DisplayLanguage.Chinese);

        // The newest label is centred on the plot's right edge: half a label ("2025-Q4", about 40 px at 10 px) must fit in the margin.
        Assert.Equal(TrendChartLayout.PlotRight, layout.XTicks[^1].Position);
        Assert.True(TrendChartLayout.Width - TrendChartLayout.PlotRight >= 20);
        Assert.Equal("2025-Q4", layout.XTicks[^1].Label);
        Assert.Equal(["0", "5,000", "10,000", "15,000"], layout.YTicks.Select(t => t.Label));
        Assert.Equal("单位:件", layout.UnitTitle);
    }
}
