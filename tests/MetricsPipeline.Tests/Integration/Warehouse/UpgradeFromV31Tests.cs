using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Tests.Integration.Indicators;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Warehouse;

/// <summary>
/// A warehouse left by the last release before the SQL layer (schema version 31, built from that release's own
/// files, every view and function from them), holding indicators, signals and restatement history computed by
/// that release's code, migrated by this release (which accepts the released files' checksums although V6 …
/// V31 were rewritten since): an analyst reads the same rows after the upgrade and after the next refresh. Signals are the exception V45
/// made: the upgrade keeps them (with its new columns), the next refresh computes them as a new warehouse would.
/// </summary>
public sealed class UpgradeFromV31Tests
{
    /// <summary>A warehouse built by the released V1 … V31 files, with the views and functions of that release.</summary>
    private static Task<string> WarehouseAtV31Async(string prefix) => ReleasedWarehouse.CreateAsync(prefix);

    private static async Task MigrateAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var result = await new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        Assert.True(result.Applied > 0, "the upgrade applied nothing");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await db.ExecuteAsync(sql, commandTimeout: 600);
    }

    [Fact]
    public async Task IndicatorScenarioWithRestatements_ReadsTheSameAfterUpgradeAndRefresh()
    {
        var warehouse = await WarehouseAtV31Async("up_ind");
        await ExecuteAsync(warehouse, IndicatorScenarioWithRestatements);
        var before = await WarehouseSnapshot.TakeAsync(warehouse);
        Assert.NotEmpty(before["marts.period_values_history"]);

        await MigrateAsync(warehouse);
        WarehouseSnapshot.AssertEqual(Normalized(before), WarehouseSnapshot.Without(await WarehouseSnapshot.TakeAsync(warehouse), SignalObjects, AddedSignalColumns));

        await ExecuteAsync(warehouse, RefreshAgain);
        var after = await WarehouseSnapshot.TakeAsync(warehouse);
        WarehouseSnapshot.AssertEqual(WithoutSignals(before), WithoutSignals(after));
        // The signals as this release computes them (V45): those of a warehouse that ran the same loads new.
        var fresh = await TestPostgres.CreateWarehouseAsync("up_ind_fresh");
        await ExecuteAsync(fresh, IndicatorScenarioWithRestatements + RefreshAgain);
        WarehouseSnapshot.AssertEqual(SignalsOnly(await WarehouseSnapshot.TakeAsync(fresh)), SignalsOnly(after));
    }

    private const string IndicatorScenarioWithRestatements = IndicatorScenario.Seed + """
        SELECT marts.refresh_periods('2021-01-01', '2023-12-31', '{document.formal,digital_tool.app,meeting.offline,check_in,inspection.onsite}');
        SELECT marts.refresh_periods(date_trunc('month', current_date)::date, current_date, '{document.formal}');
        -- A late row in a published month: history rows for its week, month, quarter and year.
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        VALUES ('oa', 'docs', '2023-03-15', 'V1', 'document.formal', 'count', 4, now(), 1);
        SELECT marts.refresh_periods('2023-03-15', '2023-03-15', '{document.formal}');
        """;

    private const string RefreshAgain = """
        SELECT marts.refresh_periods('2021-01-01', '2023-12-31', '{document.formal,digital_tool.app,meeting.offline,check_in,inspection.onsite}');
        """;

    private static Dictionary<string, List<string>> Normalized(Dictionary<string, List<string>> snapshot) =>
        WarehouseSnapshot.Without(snapshot, SignalObjects);

    private static Dictionary<string, List<string>> WithoutSignals(Dictionary<string, List<string>> snapshot) =>
        snapshot.Where(o => !SignalObjects.Contains(o.Key)).ToDictionary();

    private static Dictionary<string, List<string>> SignalsOnly(Dictionary<string, List<string>> snapshot) =>
        WarehouseSnapshot.Without(snapshot.Where(o => SignalObjects.Contains(o.Key)).ToDictionary(), SignalObjects, "grouped_under");

    [Fact]
    public async Task SignalScenario_ReadsTheSameAfterUpgradeAndRefresh()
    {
        var warehouse = await WarehouseAtV31Async("up_sig");
        await ExecuteAsync(warehouse, SignalScenarioFixture.Seed);
        var before = await WarehouseSnapshot.TakeAsync(warehouse);
        Assert.NotEmpty(before["marts.signals"]);

        // V45 keeps the signals computed before it as they were; its new columns say so (effect = the old
        // score, scope subtree, no p-value) until their periods are refreshed.
        await MigrateAsync(warehouse);
        var migrated = await WarehouseSnapshot.TakeAsync(warehouse);
        WarehouseSnapshot.AssertEqual(Normalized(before), WarehouseSnapshot.Without(migrated, SignalObjects, AddedSignalColumns));
        await using (var db = new NpgsqlConnection(warehouse))
        {
            await db.OpenAsync();
            Assert.Equal(0, await db.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM marts.signals WHERE effect IS DISTINCT FROM score OR scope IS DISTINCT FROM 'subtree' OR p_value IS NOT NULL"));
            // V47 translated every summary V31 wrote (no p-value ending then) into Chinese, none left to the
            // fallback that quotes the English.
            var summaries = (await db.QueryAsync<(string Signal, string Summary, string SummaryZh)>(
                "SELECT signal, summary, summary_zh FROM marts.signals ORDER BY signal, unit_code")).ToList();
            Assert.True(summaries.Select(s => s.Signal).Distinct().Count() >= 8, string.Join(", ", summaries.Select(s => s.Signal).Distinct()));
            Assert.All(summaries, s =>
            {
                Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", s.SummaryZh);
                Assert.DoesNotContain("英文原文", s.SummaryZh);
                Assert.DoesNotContain("p = ", s.SummaryZh);
                Assert.Subset(SignalSummaryTests.Numbers(s.SummaryZh).ToHashSet(), SignalSummaryTests.Numbers(s.Summary).ToHashSet());
            });
        }

        // The next refresh computes them as this release does (V45 changed what a signal is: minimum volumes,
        // tests against chance, scopes, grouping): the same rows as a warehouse that never was at V31.
        await ExecuteAsync(warehouse, "SELECT marts.refresh_periods('2021-01-01', '2023-12-31', ARRAY(SELECT category FROM ref.categories))");
        var fresh = await TestPostgres.CreateWarehouseAsync("up_sig_fresh");
        await ExecuteAsync(fresh, SignalScenarioFixture.Seed);
        var expected = SignalsOnly(await WarehouseSnapshot.TakeAsync(fresh));
        Assert.NotEmpty(expected["marts.signals"]);
        WarehouseSnapshot.AssertEqual(expected, SignalsOnly(await WarehouseSnapshot.TakeAsync(warehouse)));
    }

    private static readonly string[] SignalObjects = ["marts.signals", "marts.signal_evidence"];
    /// <summary>The columns of marts.signals added after V31: V45's, and V47's Chinese summary.</summary>
    private static readonly string[] AddedSignalColumns = ["p_value", "effect", "scope", "grouped_under", "summary_zh"];
}
