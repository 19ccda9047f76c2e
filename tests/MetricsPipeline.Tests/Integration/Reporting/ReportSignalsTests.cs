using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Reporting;
using MetricsPipeline.Tests.Integration.Indicators;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Reporting;

/// <summary>The report lists the strongest signals of its period, as many as Pipeline:Report:TopSignals says, and counts the rest.</summary>
public sealed class ReportSignalsTests(SignalScenarioFixture scenario) : IClassFixture<SignalScenarioFixture>
{
    [Fact]
    public async Task Report_TopSignals_ListsTheHighestScoresAndCountsEverySignalOfThePeriod()
    {
        await using var dataSource = NpgsqlDataSource.Create(scenario.ConnectionString);
        await using var db = await dataSource.OpenConnectionAsync();
        var all = (await db.QueryAsync<decimal?>("""
            SELECT score FROM marts.signals_with_evidence
            WHERE period_start <= '2023-12-31' AND period_end >= '2023-01-01'
            ORDER BY score DESC NULLS LAST
            """)).ToList();
        Assert.True(all.Count > 3, $"the scenario has {all.Count} signals in 2023; the test needs more than it lists");

        var model = await new IndicatorReport(dataSource).ReadAsync(ReportPeriod.Parse("2023"), "C", DisplayLanguage.Chinese,
            new ReportOptions { TopSignals = 3 }, CancellationToken.None);

        Assert.Equal(all.Count, model.SignalsInPeriod);
        Assert.Equal(all.Take(3), model.Signals.Select(s => s.Score));
        var html = await ReportRenderer.RenderAsync(model);
        Assert.Contains($"本期共 {all.Count} 条信号,按分数列出前 3 条,另有 {all.Count - 3} 条未列出", html);
    }
}
