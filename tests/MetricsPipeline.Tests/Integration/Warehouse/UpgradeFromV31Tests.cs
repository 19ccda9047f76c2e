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
/// V31 were rewritten since): an analyst reads the same rows after the upgrade and after the next refresh.
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
        await ExecuteAsync(warehouse, IndicatorScenario.Seed + """
            SELECT marts.refresh_periods('2021-01-01', '2023-12-31', '{document.formal,digital_tool.app,meeting.offline,check_in,inspection.onsite}');
            SELECT marts.refresh_periods(date_trunc('month', current_date)::date, current_date, '{document.formal}');
            -- A late row in a published month: history rows for its week, month, quarter and year.
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('oa', 'docs', '2023-03-15', 'V1', 'document.formal', 'count', 4, now(), 1);
            SELECT marts.refresh_periods('2023-03-15', '2023-03-15', '{document.formal}');
            """);
        var before = await WarehouseSnapshot.TakeAsync(warehouse);
        Assert.NotEmpty(before["marts.period_values_history"]);

        await MigrateAsync(warehouse);
        WarehouseSnapshot.AssertEqual(before, await WarehouseSnapshot.TakeAsync(warehouse));

        await ExecuteAsync(warehouse, """
            SELECT marts.refresh_periods('2021-01-01', '2023-12-31', '{document.formal,digital_tool.app,meeting.offline,check_in,inspection.onsite}');
            """);
        WarehouseSnapshot.AssertEqual(before, await WarehouseSnapshot.TakeAsync(warehouse));
    }

    [Fact]
    public async Task SignalScenario_ReadsTheSameAfterUpgradeAndRefresh()
    {
        var warehouse = await WarehouseAtV31Async("up_sig");
        await ExecuteAsync(warehouse, SignalScenarioFixture.Seed);
        var before = await WarehouseSnapshot.TakeAsync(warehouse);
        Assert.NotEmpty(before["marts.signals"]);

        await MigrateAsync(warehouse);
        WarehouseSnapshot.AssertEqual(before, await WarehouseSnapshot.TakeAsync(warehouse));

        await ExecuteAsync(warehouse, "SELECT marts.refresh_periods('2021-01-01', '2023-12-31', ARRAY(SELECT category FROM ref.categories))");
        WarehouseSnapshot.AssertEqual(before, await WarehouseSnapshot.TakeAsync(warehouse));
    }
}
