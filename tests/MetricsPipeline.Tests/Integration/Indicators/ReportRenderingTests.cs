using System.Globalization;
using MetricsPipeline.Configuration;
using MetricsPipeline.Reporting;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// The report verb's page from the warehouse of <see cref="AnalystScenarioFixture"/>, laid out by headless
/// Chromium (Debian's chromium package, installed by ops/scripts/test.sh): what it says, in both languages,
/// and what the browser measures of it.
/// </summary>
public sealed class ReportRenderingTests(AnalystScenarioFixture scenario, HeadlessChromium chromium)
    : IClassFixture<AnalystScenarioFixture>, IClassFixture<HeadlessChromium>
{
    private string LastYear => scenario.Y1.ToString(CultureInfo.InvariantCulture);

    private async Task<string> RenderAsync(string period, string? unit = null, DisplayLanguage? language = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(scenario.ConnectionString);
        return await new IndicatorReport(dataSource).RenderAsync(ReportPeriod.Parse(period), unit, language ?? DisplayLanguage.Chinese,
            new ReportOptions(), CancellationToken.None);
    }

    private Task<T> Eval<T>(OpenedPage page, string script) => page.EvaluateAsync<T>(script);

    [Fact]
    public async Task Report_InChinese_SaysTheTargetWasMissedInRedAndNamesCategoriesAndUnits()
    {
        await using var page = await chromium.OpenAsync(await RenderAsync(LastYear));

        Assert.Equal("zh-CN", await Eval<string>(page, "document.documentElement.lang"));
        Assert.Equal("基层负担:City(C)," + LastYear, await Eval<string>(page, "document.querySelector('h1').textContent.trim()"));
        var formal = "document.querySelector('figure[data-category=\"document.formal\"]')";
        Assert.StartsWith("正式文件(红头)", await Eval<string>(page, $"{formal}.querySelector('figcaption').textContent.trim()"));
        // Last year: 110 documents against 150, a 26.7% reduction against the 30% target: missed, and red says so.
        var summary = await Eval<string>(page, $"{formal}.querySelector('.meta').textContent");
        Assert.Contains($"{LastYear}:110 件,基期 150 件;减幅 26.7%;目标减幅 30%", summary);
        Assert.Equal("未达标(目标 30%)", await Eval<string>(page, $"{formal}.querySelector('.verdict').textContent"));
        Assert.Equal("rgb(180, 35, 24)", await Eval<string>(page, $"getComputedStyle({formal}.querySelector('.verdict')).color"));
        Assert.Empty(await Eval<string[]>(page, "[...document.querySelectorAll('.verdict-met')].map(e => e.textContent)"));
        Assert.DoesNotContain(">ok<", await page.Page.ContentAsync());
        Assert.Empty(page.Console);
        Assert.Equal(0, await Eval<int>(page, "document.querySelectorAll('script').length"));
    }

    [Fact]
    public async Task Report_InEnglish_SaysTargetNotMet()
    {
        await using var page = await chromium.OpenAsync(await RenderAsync(LastYear, language: DisplayLanguage.English));

        Assert.Equal("en", await Eval<string>(page, "document.documentElement.lang"));
        Assert.Equal($"Reporting burden: City (C), {LastYear}", await Eval<string>(page, "document.querySelector('h1').textContent.trim()"));
        var formal = "document.querySelector('figure[data-category=\"document.formal\"]')";
        Assert.StartsWith("Formal documents (red-header)", await Eval<string>(page, $"{formal}.querySelector('figcaption').textContent.trim()"));
        Assert.Contains($"{LastYear}: 110 vs base 150; reduction 26.7%; target 30%", await Eval<string>(page, $"{formal}.querySelector('.meta').textContent"));
        Assert.Equal("target not met (30%)", await Eval<string>(page, $"{formal}.querySelector('.verdict').textContent"));
    }

    [Fact]
    public async Task Report_TrendAxes_StartAtTheFirstCoveredPeriodAndLabelSeveralTicksWithTheUnit()
    {
        await using var page = await chromium.OpenAsync(await RenderAsync(LastYear));
        var chart = "document.querySelector('figure[data-category=\"document.formal\"] svg')";

        // Data begin in the base year Y0: the axis holds Y0 and Y1, not eight years of which six are empty.
        Assert.Equal([scenario.Y0.ToString(CultureInfo.InvariantCulture), LastYear],
            await Eval<string[]>(page, $"[...{chart}.querySelectorAll('.x-tick text')].map(t => t.textContent)"));
        var ticks = (await Eval<string[]>(page, $"[...{chart}.querySelectorAll('.y-tick text')].map(t => t.textContent)"))
            .Select(t => decimal.Parse(t, NumberStyles.Number, CultureInfo.InvariantCulture)).ToList();
        Assert.True(ticks.Count >= 3, $"only {ticks.Count} value ticks: {string.Join(", ", ticks)}");
        Assert.Equal(0, ticks[0]);
        Assert.True(ticks.Zip(ticks.Skip(1)).All(p => p.Second > p.First), "ticks increase");
        Assert.True(ticks[^1] >= 150, $"the top tick {ticks[^1]} is below the largest value, 150");
        Assert.Equal("单位:件", await Eval<string>(page, $"{chart}.querySelector('.y-unit').textContent"));
    }

    [Fact]
    public async Task Report_ForTheCity_RanksTheUnitsOneLevelDown()
    {
        await using var page = await chromium.OpenAsync(await RenderAsync(LastYear));

        Assert.Contains("县(区)", await Eval<string>(page, "document.querySelector('#ranking').textContent"));
        Assert.Equal(["County (K)"], await Eval<string[]>(page, "[...document.querySelectorAll('.ranking-table tbody tr td:nth-child(2)')].map(t => t.textContent)"));
    }

    [Fact]
    public async Task Report_ForACounty_RanksItsTownshipsByHoursPerFte()
    {
        await using var page = await chromium.OpenAsync(await RenderAsync(LastYear, unit: "K"));

        // T1 4.67 h/FTE (70 documents × 60 min / 15 FTE), T2 1.60; T3 has no staff, so no per-FTE value, and comes last.
        Assert.Equal(["Township One (T1)", "Township Two (T2)", "Township Three (T3)"],
            await Eval<string[]>(page, "[...document.querySelectorAll('.ranking-table tbody tr td:nth-child(2)')].map(t => t.textContent)"));
        Assert.Equal(["Township One", "Township Two"], await Eval<string[]>(page, "[...document.querySelectorAll('svg.ranking .bar-name')].map(t => t.textContent)"));
        Assert.Equal("4.67 小时/人", await Eval<string>(page, "document.querySelector('svg.ranking .bar-value').textContent"));
        Assert.Contains("乡镇", await Eval<string>(page, "document.querySelector('#ranking').textContent"));
    }

    [Fact]
    public async Task Report_ForTheLastEndedQuarter_ListsTheSignalWithItsEvidence_AndCountsTheRepeatsBelowIt()
    {
        var lastQuarter = DateTime.Today.AddMonths(-3);
        var period = $"{lastQuarter.Year}-Q{(lastQuarter.Month + 2) / 3}";
        await using var page = await chromium.OpenAsync(await RenderAsync(period));

        // V3's meetings are all of T3's, K's and C's: the city's signal is listed, with the three below it grouped
        // under it; the label (ref.signal_types) and the summary in Chinese, the evidence line as the view writes it.
        var rows = await Eval<string[]>(page, "[...document.querySelectorAll('.signals-table tbody tr')].map(r => r.textContent)");
        Assert.Contains(rows, r => r.Contains("会议转线上未减时") && r.Contains("meetings_online") && r.Contains("City (C)")
            && r.Contains("与上年同期相比,线下会议场次变化 -50%") && r.Contains("(含下级单位数据;p = ")
            && r.Contains("另有 3 条下级单位的同类信号归并于此")
            && !r.Contains("Offline meetings") && r.Contains("meeting.offline/count: 100.00 -> 50.00 (-50%), p = "));
        Assert.DoesNotContain(rows, r => r.Contains("Village Three (V3)"));
        Assert.StartsWith($"本期共 {rows.Length} 条信号(另有 3 条下级单位的信号只是重复其上级单位的同类信号",
            (await Eval<string>(page, "document.querySelector('.signal-count').textContent")).Trim());

        // The village's own page lists its own signal: the one it repeats is not on that page.
        await using var village = await chromium.OpenAsync(await RenderAsync(period, unit: "V3"));
        var own = Assert.Single(await Eval<string[]>(village, "[...document.querySelectorAll('.signals-table tbody tr')].map(r => r.textContent)"));
        Assert.Contains("Village Three (V3)", own);
        Assert.Contains("(本单位自身数据;p = ", own);
        Assert.Equal("本期共 1 条信号,按分数列出前 1 条。", (await Eval<string>(village, "document.querySelector('.signal-count').textContent")).Trim());
    }

    [Fact]
    public async Task Report_ForTheLastEndedQuarterInEnglish_ListsTheSignalWithItsEnglishLabelAndSummary()
    {
        var lastQuarter = DateTime.Today.AddMonths(-3);
        await using var page = await chromium.OpenAsync(await RenderAsync($"{lastQuarter.Year}-Q{(lastQuarter.Month + 2) / 3}",
            language: DisplayLanguage.English));

        var rows = await Eval<string[]>(page, "[...document.querySelectorAll('.signals-table tbody tr')].map(r => r.textContent)");
        Assert.Contains(rows, r => r.Contains("meetings moved online") && r.Contains("City (C)")
            && r.Contains("Offline meetings -50%") && r.Contains("(with its subtree; p = ")
            && r.Contains("3 signal(s) of units below grouped under this one") && !r.Contains("线下会议"));
        Assert.StartsWith($"{rows.Length} signal(s) in this period (and 3 more of units below that only repeat their parent unit",
            (await Eval<string>(page, "document.querySelector('.signal-count').textContent")).Trim());
    }

    [Fact]
    public async Task Report_At1400PixelsAndInPrint_HasNoHorizontalOverflowAndNoClippedLabel()
    {
        await using var page = await chromium.OpenAsync(await RenderAsync(LastYear, unit: "K"), width: 1400);

        Assert.True(await Eval<int>(page, "document.documentElement.scrollWidth") <= 1400, "the page scrolls sideways at 1400 px");
        Assert.Empty(await Eval<string[]>(page, Reporting.ReportLayoutTests.TextsOutsideTheirSvg));
        var png = await page.Page.ScreenshotAsync(new() { FullPage = true });
        Assert.Equal(1400, Reporting.ReportLayoutTests.PngSize(png).Width);

        await page.Page.SetViewportSizeAsync(703, 1000);
        await page.Page.EmulateMediaAsync(new() { Media = Microsoft.Playwright.Media.Print });
        Assert.True(await Eval<int>(page, "document.documentElement.scrollWidth") <= 703, "the printed page is wider than A4");
        Assert.Empty(await Eval<string[]>(page, Reporting.ReportLayoutTests.TextsOutsideTheirSvg));
    }

    [Theory]
    [InlineData("2025", "year", "2025-01-01", "2025-12-31")]
    [InlineData("2025-q3", "quarter", "2025-07-01", "2025-09-30")]
    [InlineData("2025-03", "month", "2025-03-01", "2025-03-31")]
    [InlineData("2025-W01", "week", "2024-12-30", "2025-01-05")]
    public void ReportPeriod_ParsesEachKind(string text, string kind, string start, string end)
    {
        var period = ReportPeriod.Parse(text);

        Assert.Equal((kind, DateOnly.Parse(start, CultureInfo.InvariantCulture), DateOnly.Parse(end, CultureInfo.InvariantCulture)),
            (period.Kind, period.Start, period.End));
    }

    [Fact]
    public void ReportPeriod_RejectsOtherText()
    {
        var error = Assert.Throws<FormatException>(() => ReportPeriod.Parse("2025-13"));
        Assert.Contains("2025-Q3 (quarter)", error.Message);
    }
}
