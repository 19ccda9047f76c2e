using Dapper;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// marts.burden_hours reads its base period's basis from the stored tables (marts.period_sums,
/// marts.period_coverage) instead of joining marts.period_values, which derived every zero of the warehouse
/// to find one row. These tests hold the lookup to what the view says: on every row of every period kind
/// of the test scenarios, base_hours equals the hours of the base period's rows in marts.period_values
/// (the definition until V46), including the edge cases a stored lookup can get wrong.
/// </summary>
public sealed class BurdenBaseLookupTests(BurdenScenarioFixture burden, IndicatorScenarioFixture indicators,
                                          AnalystScenarioFixture analyst)
    : IClassFixture<BurdenScenarioFixture>, IClassFixture<IndicatorScenarioFixture>, IClassFixture<AnalystScenarioFixture>
{
    // The base period's rows as marts.period_values holds them, priced as marts.burden_hours prices them.
    private const string Mismatches = """
        SELECT format('%s %s %s %s: base_hours %s, from marts.period_values %s',
                      b.unit_code, b.category, b.period_kind, b.period_start, b.base_hours, expected.base_hours)
        FROM marts.burden_hours b
        LEFT JOIN LATERAL (
            SELECT max(v.period_end) AS period_end,
                   sum(v.value) FILTER (WHERE v.measure = 'scm_own_minutes') AS own_minutes,
                   sum(v.value) FILTER (WHERE v.measure = 'scm_items')       AS items,
                   coalesce(sum(v.value) FILTER (WHERE v.measure = 'active_mean'),
                            sum(v.value) FILTER (WHERE v.measure = 'count_mean')) AS mean_level,
                   count(*) AS base_rows
            FROM marts.period_values v
            WHERE (v.category, v.period_kind, v.period_start, v.unit_code)
                = (b.category, b.period_kind, b.base_period_start, b.unit_code)
        ) base ON true
        LEFT JOIN marts.coverage_now base_cov
               ON (base_cov.category, base_cov.period_kind, base_cov.period_start) = (b.category, b.period_kind, b.base_period_start)
        CROSS JOIN LATERAL (
            SELECT CASE
                       WHEN base.base_rows > 0 THEN
                           marts.scm_hours(b.category_kind, base.own_minutes, base.items, base.mean_level, b.minutes_per_item,
                                           base.period_end - b.base_period_start + 1)
                       WHEN base_cov.covered_cells > 0 AND b.minutes_per_item IS NOT NULL THEN 0
                   END AS base_hours
        ) expected
        WHERE b.base_hours IS DISTINCT FROM expected.base_hours
        ORDER BY 1
        """;

    private static async Task<List<string>> MismatchesAsync(Npgsql.NpgsqlConnection db, Npgsql.NpgsqlTransaction? tx = null) =>
        (await db.QueryAsync<string>(Mismatches, transaction: tx)).ToList();

    private static async Task<long> RowsAsync(Npgsql.NpgsqlConnection db, Npgsql.NpgsqlTransaction? tx = null) =>
        await db.ExecuteScalarAsync<long>("SELECT count(*) FROM marts.burden_hours WHERE base_hours IS NOT NULL", transaction: tx);

    [Fact]
    public async Task OnEveryScenario_TheStoredLookupEqualsThePeriodValues()
    {
        foreach (var connectionString in new[] { burden.ConnectionString, indicators.ConnectionString, analyst.ConnectionString })
        {
            await using var db = await OpenAsync(connectionString);
            Assert.True(await RowsAsync(db) > 0, "the scenario has no burden row with a base to compare");
            Assert.Empty(await MismatchesAsync(db));
        }
    }

    [Fact]
    public async Task AbolishedUnitsUncoveredBasesStocksWithoutACompleteDayAndNewSeries_KeepTheirBase()
    {
        await using var db = await OpenAsync(burden.ConnectionString);
        await using var tx = await db.BeginTransactionAsync();
        await db.ExecuteAsync("""
            -- An abolished village: its stored sums stay, it derives no zeros.
            UPDATE ref.units SET active = false WHERE code = 'V2';
            -- A new village with documents only in 2022: its 2021 is a derived zero, its weeks without facts too.
            INSERT INTO ref.units (code, name, parent_code, level, headcount) VALUES ('V3', 'Village Three', 'T', 'village', 2);
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('oa', 'docs', '2022-07-01', 'V3', 'document.formal', 'count', 4, now(), 1),
                   ('oa', 'meetings', '2022-07-01', 'V3', 'meeting.offline', 'count', 1, now(), 1);
            -- The apps were not pulled in January 2021 (a stock month without a complete day) and
            -- hand/meets not in the first half of 2021 (a flow period only partly pulled).
            DELETE FROM ops.coverage WHERE (source, stream) = ('grid', 'apps') AND day BETWEEN '2021-01-01' AND '2021-01-31';
            DELETE FROM ops.coverage WHERE (source, stream) = ('hand', 'meets') AND day BETWEEN '2021-01-01' AND '2021-06-30';
            -- Every meeting of March 2021 was timed: the month has a count but no untimed items.
            DELETE FROM facts.daily WHERE (source, stream) = ('hand', 'meets');
            """, transaction: tx);
        await db.ExecuteAsync("SELECT marts.refresh_periods('2021-01-01', '2022-12-31', '{meeting.offline,document.formal,digital_tool.app}')",
                              transaction: tx);

        Assert.True(await RowsAsync(db, tx) > 0);
        Assert.Empty(await MismatchesAsync(db, tx));
        // The cases are really there: V3's 2021 base is a derived zero, January 2021's apps have no base.
        Assert.Equal(0m, await db.ExecuteScalarAsync<decimal?>(
            "SELECT base_hours FROM marts.burden_hours WHERE unit_code = 'V3' AND category = 'document.formal' AND period_kind = 'year' AND period_start = '2022-01-01'",
            transaction: tx));
        Assert.Null(await db.ExecuteScalarAsync<decimal?>(
            "SELECT base_hours FROM marts.burden_hours WHERE unit_code = 'V1' AND category = 'digital_tool.app' AND period_kind = 'month' AND period_start = '2022-01-01'",
            transaction: tx));
        await tx.RollbackAsync();
    }
}
