using MetricsPipeline.Configuration;
using MetricsPipeline.Reporting;

namespace MetricsPipeline.Tests.Unit.Reporting;

public sealed class VerdictTests
{
    [Theory]
    [InlineData("ok", 0.30, true, "2024", VerdictKind.Met, "达标(目标 30%)", "target met (30%)")]
    [InlineData("ok", 0.30, false, "2024", VerdictKind.NotMet, "未达标(目标 30%)", "target not met (30%)")]
    [InlineData("ok", null, null, null, VerdictKind.NoTarget, "无目标", "no target")]
    [InlineData("ok", 0.50, null, "2018", VerdictKind.OtherBase, "目标 50% 以 2018 年为基期,无法对照", "target 50% is set against 2018: not comparable")]
    [InlineData("incomplete_period", 0.30, null, "2024", VerdictKind.NotComputable, "无法计算:期间未结束", "not computable: period not ended")]
    public void Of_SaysWhatTheRowMeans(string status, double? target, bool? met, string? basePeriod, VerdictKind kind, string zh, string en)
    {
        var reduction = target is null ? (decimal?)null : (decimal)target.Value;
        var chinese = Verdict.Of(status, "期间未结束", reduction, met, basePeriod, DisplayLanguage.Chinese);
        var english = Verdict.Of(status, "period not ended", reduction, met, basePeriod, DisplayLanguage.English);

        Assert.Equal((kind, zh), (chinese.Kind, chinese.Text));
        Assert.Equal((kind, en), (english.Kind, english.Text));
    }

    [Fact]
    public void CssClass_IsGreenOnlyForATargetMet()
    {
        Assert.Equal("verdict-met", Verdict.Of("ok", null, 0.3m, true, "2024", DisplayLanguage.Chinese).CssClass);
        Assert.Equal("verdict-not-met", Verdict.Of("ok", null, 0.3m, false, "2024", DisplayLanguage.Chinese).CssClass);
        Assert.Equal("verdict-none", Verdict.Of("no_base", "无基期数据", 0.3m, null, "2024", DisplayLanguage.Chinese).CssClass);
    }
}
