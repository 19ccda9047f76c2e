using System.Net;
using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Reporting;
using MetricsPipeline.Tests.Integration.Indicators;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Reporting;

/// <summary>
/// The report lists the strongest signals of its period that stand on their own, as many as
/// Pipeline:Report:TopSignals says, counts the rest, and says how many only repeat their parent unit's signal
/// (grouped under it, not listed); labels and summaries in the page's language.
/// </summary>
public sealed class ReportSignalsTests(SignalScenarioFixture scenario, SignalJudgementFixture judgement)
    : IClassFixture<SignalScenarioFixture>, IClassFixture<SignalJudgementFixture>
{
    private sealed record Stored(string Signal, string UnitCode, decimal? Score, string Summary, string SummaryZh, string LabelZh, string LabelEn,
        bool Grouped);

    private static async Task<List<Stored>> SignalsAsync(NpgsqlDataSource dataSource, string from, string to)
    {
        await using var db = await dataSource.OpenConnectionAsync();
        return (await db.QueryAsync<Stored>("""
            SELECT signal AS Signal, unit_code AS UnitCode, score AS Score, summary AS Summary, summary_zh AS SummaryZh,
                   signal_label_zh AS LabelZh, signal_label_en AS LabelEn, grouped_under IS NOT NULL AS Grouped
            FROM marts.signals_with_evidence
            WHERE period_start <= @to::date AND period_end >= @from::date
            ORDER BY score DESC NULLS LAST, unit_code, signal
            """, new { from, to })).ToList();
    }

    [Fact]
    public async Task Report_TopSignals_ListsTheHighestScoresOfThoseStandingOnTheirOwn_AndCountsTheRestAndTheGrouped()
    {
        await using var dataSource = NpgsqlDataSource.Create(scenario.ConnectionString);
        var all = await SignalsAsync(dataSource, "2023-01-01", "2023-12-31");
        var topLevel = all.Where(s => !s.Grouped).ToList();   // C, the report's unit, is the root: nothing above it
        var grouped = all.Count(s => s.Grouped);
        Assert.True(topLevel.Count > 3, $"the scenario has {topLevel.Count} signals standing on their own in 2023; the test needs more than it lists");
        Assert.True(grouped > 0, "the scenario has no signal grouped under its parent's in 2023");

        var model = await new IndicatorReport(dataSource).ReadAsync(ReportPeriod.Parse("2023"), "C", DisplayLanguage.Chinese,
            new ReportOptions { TopSignals = 3 }, CancellationToken.None);

        Assert.Equal(topLevel.Count, model.SignalsInPeriod);
        Assert.Equal(grouped, model.GroupedSignals);
        Assert.Equal(topLevel.Take(3).Select(s => (s.Signal, s.UnitCode, s.Score)), model.Signals.Select(s => (s.Signal, s.UnitCode, s.Score)));
        var html = WebUtility.HtmlDecode(await ReportRenderer.RenderAsync(model));
        Assert.Contains($"本期共 {topLevel.Count} 条信号(另有 {grouped} 条下级单位的信号只是重复其上级单位的同类信号,已归并在上级信号之下,不单列),"
            + $"按分数列出前 3 条,另有 {topLevel.Count - 3} 条未列出", html);
        foreach (var listed in topLevel.Take(3))
        {
            Assert.Contains(listed.SummaryZh, html);
            Assert.Contains(listed.LabelZh, html);
            Assert.DoesNotContain(listed.Summary, html);
        }
    }

    [Fact]
    public async Task Report_InEnglish_ShowsTheEnglishLabelsAndSummaries()
    {
        await using var dataSource = NpgsqlDataSource.Create(scenario.ConnectionString);
        var topLevel = (await SignalsAsync(dataSource, "2023-01-01", "2023-12-31")).Where(s => !s.Grouped).Take(3).ToList();

        var html = WebUtility.HtmlDecode(await new IndicatorReport(dataSource).RenderAsync(ReportPeriod.Parse("2023"), "C", DisplayLanguage.English,
            new ReportOptions { TopSignals = 3 }, CancellationToken.None));

        Assert.Contains("more of units below that only repeat their parent unit's signal, grouped under it and not listed)", html);
        foreach (var listed in topLevel)
        {
            Assert.Contains(listed.Summary, html);
            Assert.Contains(listed.LabelEn, html);
            Assert.DoesNotContain(listed.SummaryZh, html);
        }
    }

    /// <summary>
    /// The judgement scenario's chain: C's inspections_to_requests signal, K's and TG's grouped under it, TG1 .. TG3's
    /// under TG's; TG4 stands on its own. A county's page lists the county's own signal (its parent's is not on it)
    /// and counts those grouped below it.
    /// </summary>
    [Theory]
    [InlineData("C", new[] { "C", "TG4" }, 5)]
    [InlineData("K", new[] { "K", "TG4" }, 4)]
    [InlineData("TG", new[] { "TG", "TG4" }, 3)]
    public async Task Report_OfAChain_ListsWhatStandsOnItsOwnOnThePage_AndCountsTheGrouped(string unit, string[] listed, int grouped)
    {
        await using var dataSource = NpgsqlDataSource.Create(judgement.ConnectionString);

        var model = await new IndicatorReport(dataSource).ReadAsync(ReportPeriod.Parse("2023-Q1"), unit, DisplayLanguage.Chinese,
            new ReportOptions(), CancellationToken.None);

        var inspections = model.Signals.Where(s => s.Signal == "inspections_to_requests").ToList();
        Assert.Equal(listed, inspections.Select(s => s.UnitCode).Order());
        Assert.Equal(grouped, model.GroupedSignals);
        Assert.Equal(model.GroupedSignals, model.Signals.Sum(s => s.GroupedChildren));   // each grouped one is under a listed one
        Assert.Equal(model.Signals.Count, model.SignalsInPeriod);
        var html = WebUtility.HtmlDecode(await ReportRenderer.RenderAsync(model));
        Assert.Contains($"本期共 {model.SignalsInPeriod} 条信号(另有 {grouped} 条下级单位的信号", html);
        Assert.Contains($"另有 {grouped} 条下级单位的同类信号归并于此", html);
        Assert.Contains("明察变暗访、群里要", html);
    }
}
