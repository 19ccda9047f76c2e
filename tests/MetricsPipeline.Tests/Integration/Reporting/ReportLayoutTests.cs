using System.Globalization;
using System.Text.RegularExpressions;
using MetricsPipeline.Configuration;
using MetricsPipeline.Reporting;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Reporting;

/// <summary>
/// The page of a city-sized report (<see cref="CityReportModel"/>) as headless Chromium lays it out: on a
/// 1400 px screen, in print on A4, and with the fonts it really draws Chinese with.
/// </summary>
public sealed class ReportLayoutTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    /// <summary>Texts of any SVG that reach outside its box: a clipped tick or bar label.</summary>
    internal const string TextsOutsideTheirSvg = """
        [...document.querySelectorAll('svg')].flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].filter(t => {
                const b = t.getBoundingClientRect();
                return b.left < box.left - 0.5 || b.right > box.right + 0.5 || b.top < box.top - 0.5 || b.bottom > box.bottom + 0.5;
            }).map(t => `${svg.getAttribute('class')}: "${t.textContent}" [${Math.round(t.getBoundingClientRect().left)}..${Math.round(t.getBoundingClientRect().right)}] outside [${Math.round(box.left)}..${Math.round(box.right)}]`);
        })
        """;

    private const string ChartTops = "[...document.querySelectorAll('figure')].map(f => Math.round(f.getBoundingClientRect().top))";

    private static Task<string> PageAsync(DisplayLanguage language) => ReportRenderer.RenderAsync(CityReportModel.Build(language));

    [Fact]
    public async Task CityReport_At1400Pixels_ThreeChartsARowNoOverflowNoClippedLabel()
    {
        await using var page = await chromium.OpenAsync(await PageAsync(DisplayLanguage.Chinese), width: 1400);

        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 1400, "the page scrolls sideways at 1400 px");
        Assert.Empty(await page.EvaluateAsync<string[]>(TextsOutsideTheirSvg));
        var tops = await page.EvaluateAsync<int[]>(ChartTops);
        Assert.Equal(6, tops.Length);
        Assert.Equal([tops[0], tops[0], tops[0], tops[3], tops[3], tops[3]], tops);
        Assert.True(tops[3] > tops[0]);
        // Eight quarters on the time axis, every second named, counted back from the reported one, which is always named.
        Assert.Equal(["2024-Q2", "2024-Q4", "2025-Q2", "2025-Q4"],
            await page.EvaluateAsync<string[]>("[...document.querySelector('svg.trend').querySelectorAll('.x-tick text')].map(t => t.textContent)"));
        Assert.Empty(page.Console);

        var png = await page.Page.ScreenshotAsync(new() { FullPage = true, Path = Path.Combine(Path.GetTempPath(), "mp-report-1400.png") });
        Assert.Equal((1400, await page.EvaluateAsync<int>("document.documentElement.scrollHeight")), PngSize(png));
    }

    [Fact]
    public async Task CityReport_InPrint_FitsA4WithTwoChartsARow()
    {
        // A4 is 210 mm wide; less the stylesheet's 12 mm margins that leaves 186 mm = 703 CSS px.
        await using var page = await chromium.OpenAsync(await PageAsync(DisplayLanguage.Chinese), width: 703);
        await page.Page.EmulateMediaAsync(new() { Media = Microsoft.Playwright.Media.Print });

        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 703, "the printed page is wider than A4");
        Assert.Empty(await page.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 703.5).map(e => e.tagName + '.' + e.className)"));
        Assert.Empty(await page.EvaluateAsync<string[]>(TextsOutsideTheirSvg));
        var tops = await page.EvaluateAsync<int[]>(ChartTops);
        Assert.Equal([tops[0], tops[0], tops[2], tops[2], tops[4], tops[4]], tops);
        Assert.True(tops[0] < tops[2] && tops[2] < tops[4]);
        var png = await page.Page.ScreenshotAsync(new() { FullPage = true, Path = Path.Combine(Path.GetTempPath(), "mp-report-print.png") });
        Assert.Equal(703, PngSize(png).Width);

        var pdf = await page.Page.PdfAsync(new() { PreferCSSPageSize = true, PrintBackground = true, Path = Path.Combine(Path.GetTempPath(), "mp-report.pdf") });
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var boxes = Regex.Matches(text, @"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]");
        Assert.NotEmpty(boxes);
        foreach (Match box in boxes)
        {
            // A4 portrait in PDF points: 595.3 × 841.9.
            Assert.InRange(double.Parse(box.Groups[1].Value, CultureInfo.InvariantCulture), 594, 597);
            Assert.InRange(double.Parse(box.Groups[2].Value, CultureInfo.InvariantCulture), 840, 844);
        }
    }

    [Fact]
    public async Task CityReport_ChineseText_IsDrawnWithNotoSansCjkNotAFallback()
    {
        await using var page = await chromium.OpenAsync(await PageAsync(DisplayLanguage.Chinese));

        Assert.StartsWith("\"Noto Sans CJK SC\"", await page.EvaluateAsync<string>("getComputedStyle(document.body).fontFamily"));
        foreach (var selector in new[] { "h1", "figcaption", "svg.ranking .bar-name", ".ranking-table tbody td:nth-child(2)", "svg.trend .y-unit" })
        {
            var fonts = await page.PlatformFontsAsync(selector);
            Assert.NotEmpty(fonts);
            Assert.All(fonts, f => Assert.True(f.Family.StartsWith("Noto Sans CJK", StringComparison.Ordinal) && !f.Custom,
                $"{selector}: {f.Glyphs} glyph(s) drawn with '{f.Family}' (custom: {f.Custom}), not the installed Noto Sans CJK"));
        }
        Assert.Equal("梅江区", await page.EvaluateAsync<string>("document.querySelector('svg.ranking .bar-name').textContent"));
    }

    [Fact]
    public async Task CityReport_Signals_ListsTheTopAndCountsTheRest()
    {
        await using var page = await chromium.OpenAsync(await PageAsync(DisplayLanguage.Chinese));

        Assert.Equal(20, await page.EvaluateAsync<int>("document.querySelectorAll('.signals-table tbody tr').length"));
        Assert.Equal("本期共 57 条信号(另有 6 条下级单位的信号只是重复其上级单位的同类信号,已归并在上级信号之下,不单列),按分数列出前 20 条,另有 37 条未列出(见 marts.signals_with_evidence)。",
            (await page.EvaluateAsync<string>("document.querySelector('.signal-count').textContent")).Trim());
        Assert.Equal("减后反弹", await page.EvaluateAsync<string>("document.querySelector('.signals-table tbody td').firstChild.textContent.trim()"));
        Assert.Equal("正式文件(红头)回升至比基期高 35%(1,350 对基期 1,000)",
            await page.EvaluateAsync<string>("document.querySelector('.signals-table .summary').textContent"));
        Assert.Equal(["另有 2 条下级单位的同类信号归并于此", "另有 2 条下级单位的同类信号归并于此", "另有 2 条下级单位的同类信号归并于此"],
            await page.EvaluateAsync<string[]>("[...document.querySelectorAll('.signals-table .grouped')].map(e => e.textContent)"));
    }

    [Fact]
    public async Task CityReport_SignalsInEnglish_ShowTheEnglishLabelSummaryAndGroupedCount()
    {
        await using var page = await chromium.OpenAsync(await PageAsync(DisplayLanguage.English));

        Assert.Equal("57 signal(s) in this period (and 6 more of units below that only repeat their parent unit's signal, grouped under it and not listed); the 20 with the highest score are listed; 37 more are not listed (see marts.signals_with_evidence).",
            (await page.EvaluateAsync<string>("document.querySelector('.signal-count').textContent")).Trim());
        Assert.Equal("rebound after a cut", await page.EvaluateAsync<string>("document.querySelector('.signals-table tbody td').firstChild.textContent.trim()"));
        Assert.Equal("document.formal back 35% above base (1,350 vs 1,000)",
            await page.EvaluateAsync<string>("document.querySelector('.signals-table .summary').textContent"));
        Assert.Equal("2 signal(s) of units below grouped under this one",
            await page.EvaluateAsync<string>("document.querySelector('.signals-table .grouped').textContent"));
    }

    [Fact]
    public async Task CityReport_TargetMissedByAHair_IsNotGreen()
    {
        await using var page = await chromium.OpenAsync(await PageAsync(DisplayLanguage.English));
        var formal = "document.querySelector('figure[data-category=\"document.formal\"]')";

        Assert.Contains("reduction 29.8%; target 30%", await page.EvaluateAsync<string>($"{formal}.querySelector('.meta').textContent"));
        Assert.Equal("target not met (30%)", await page.EvaluateAsync<string>($"{formal}.querySelector('.verdict').textContent"));
        Assert.Equal("rgb(180, 35, 24)", await page.EvaluateAsync<string>($"getComputedStyle({formal}.querySelector('.verdict')).color"));
        // The period that has not ended says so, in grey, instead of a number.
        var online = "document.querySelector('figure[data-category=\"meeting.online\"] .verdict')";
        Assert.Equal("not computable: period not ended", await page.EvaluateAsync<string>($"{online}.textContent"));
        Assert.Equal("rgb(123, 135, 148)", await page.EvaluateAsync<string>($"getComputedStyle({online}).color"));
    }

    internal static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        int At(int offset) => (png[offset] << 24) | (png[offset + 1] << 16) | (png[offset + 2] << 8) | png[offset + 3];
        return (At(16), At(20));
    }
}
