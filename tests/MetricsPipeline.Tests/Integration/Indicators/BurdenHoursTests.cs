using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// Burden hours after the Standard Cost Model and the composite index, on a warehouse built for it.
/// Base year 2021, compared year 2022, every stream pulled every day of both years.
/// <code>
///   T  Township  headcount 10
///   ├ V1 Village headcount 5
///   └ V2 Village headcount 5        subtree of T: 20 FTE
/// </code>
/// <list type="bullet">
/// <item>oa/meetings reports count, minutes and attendee_minutes (meeting.offline): its own time is used.</item>
/// <item>hand/meets reports only a count (meeting.offline): priced at the seeded 180 minutes per meeting.</item>
/// <item>oa/docs reports counts (document.formal): seeded 60 minutes per document.</item>
/// <item>grid/apps is the stock digital_tool.app; configured tariff 12 minutes per app per day (seed: 10).</item>
/// </list>
/// <code>
///   2021  V1 meetings 2, 240 min, 1200 attendee-min   V2 hand/meets 1   V2 documents 31   V1 apps 2 every day
///   2022  V1 meetings 1, 120 min,  600 attendee-min   V2 hand/meets 0   V2 documents 17   V1 apps 1 every day
/// </code>
/// Hours 2021: meetings (1200 + 1 x 180) / 60 = 23, documents 31, apps 2 x 365 x 12 / 60 = 146; total 200.
/// Hours 2022: meetings 600 / 60 = 10,              documents 17, apps 1 x 365 x 12 / 60 =  73; total 100.
/// </summary>
public sealed class BurdenScenarioFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    internal const string Seed = """
        UPDATE ref.indicator_settings SET value = '2021' WHERE key = 'base_period';
        INSERT INTO ref.units (code, name, parent_code, level, headcount) VALUES
            ('T', 'Township', NULL, 'township', 10), ('V1', 'Village One', 'T', 'village', 5), ('V2', 'Village Two', 'T', 'village', 5);
        INSERT INTO ref.streams (source, stream, provider, time_zone, history_from, measures, categories) VALUES
            ('oa',   'meetings', 'postgres', 'Asia/Shanghai', '2021-01-01', '{count,minutes,attendee_minutes}', '{meeting.offline,meeting.online}'),
            ('hand', 'meets',    'sqlite',   'Asia/Shanghai', '2021-01-01', '{count}',  '{meeting.offline}'),
            ('oa',   'docs',     'postgres', 'Asia/Shanghai', '2021-01-01', '{count}',  '{document.formal}'),
            ('grid', 'apps',     'postgres', 'Asia/Shanghai', '2021-01-01', '{active}', '{digital_tool.app}');
        INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
        SELECT s.source, s.stream, d::date, 1, now()
        FROM ref.streams s CROSS JOIN generate_series('2021-01-01'::date, '2022-12-31'::date, interval '1 day') d;
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT source, stream, day::date, unit_code, category, measure, value, now(), 1
        FROM (VALUES
            ('oa',   'meetings', '2021-03-01', 'V1', 'meeting.offline', 'count',               2),
            ('oa',   'meetings', '2021-03-01', 'V1', 'meeting.offline', 'minutes',           240),
            ('oa',   'meetings', '2021-03-01', 'V1', 'meeting.offline', 'attendee_minutes', 1200),
            ('hand', 'meets',    '2021-05-05', 'V2', 'meeting.offline', 'count',               1),
            ('oa',   'docs',     '2021-04-01', 'V2', 'document.formal', 'count',              31),
            ('oa',   'meetings', '2022-03-01', 'V1', 'meeting.offline', 'count',               1),
            ('oa',   'meetings', '2022-03-01', 'V1', 'meeting.offline', 'minutes',           120),
            ('oa',   'meetings', '2022-03-01', 'V1', 'meeting.offline', 'attendee_minutes',  600),
            ('oa',   'docs',     '2022-04-01', 'V2', 'document.formal', 'count',              17)
        ) AS f(source, stream, day, unit_code, category, measure, value);
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT 'grid', 'apps', d::date, 'V1', 'digital_tool.app', 'active',
               CASE WHEN d < '2022-01-01' THEN 2 ELSE 1 END, now(), 1
        FROM generate_series('2021-01-01'::date, '2022-12-31'::date, interval '1 day') d;
        INSERT INTO ref.tariffs (category_pattern, minutes_per_item, index_weight, rationale, origin)
        VALUES ('digital_tool.app', 12, 1, 'local time study', 'config');
        SELECT marts.refresh_periods('2021-01-01', '2022-12-31',
                                     '{meeting.offline,meeting.online,document.formal,digital_tool.app}');
        """;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateWarehouseAsync("burden");
        await using var db = await OpenAsync(ConnectionString);
        await db.ExecuteAsync(Seed);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>marts.burden_hours, marts.burden_hours_by_unit and marts.burden_index on <see cref="BurdenScenarioFixture"/>; changes happen in rolled-back transactions.</summary>
public sealed class BurdenHoursTests(BurdenScenarioFixture scenario) : IClassFixture<BurdenScenarioFixture>
{
    private readonly string _connectionString = scenario.ConnectionString;

    private sealed class CategoryHours
    {
        public decimal? OwnMinutes { get; init; }
        public decimal? Items { get; init; }
        public decimal? MeanLevel { get; init; }
        public decimal MinutesPerItem { get; init; }
        public decimal Hours { get; init; }
        public decimal BaseHours { get; init; }
        public decimal? Reduction { get; init; }
        public string Status { get; init; } = "";
    }

    private async Task<CategoryHours> HoursAsync(string unit, string category, int year)
    {
        await using var db = await OpenAsync(_connectionString);
        return await db.QuerySingleAsync<CategoryHours>("""
            SELECT own_minutes AS OwnMinutes, items AS Items, mean_level AS MeanLevel, minutes_per_item AS MinutesPerItem,
                   hours AS Hours, base_hours AS BaseHours, reduction AS Reduction, status AS Status
            FROM marts.burden_hours
            WHERE unit_code = @unit AND category = @category AND period_kind = 'year' AND period_start = make_date(@year, 1, 1)
            """, new { unit, category, year });
    }

    [Fact]
    public async Task Meetings_UseTheSourcesOwnAttendeeMinutesAndPriceOnlyTheUntimedOnes()
    {
        var base2021 = await HoursAsync("T", "meeting.offline", 2021);
        Assert.Equal(1200m, base2021.OwnMinutes);   // attendee_minutes, not minutes (240)
        Assert.Equal(1m, base2021.Items);           // hand/meets reports no time
        Assert.Equal(180m, base2021.MinutesPerItem);
        Assert.Equal(23m, base2021.Hours);          // (1200 + 1 x 180) / 60

        var year2022 = await HoursAsync("T", "meeting.offline", 2022);
        Assert.Equal(10m, year2022.Hours);          // 600 / 60
        Assert.Equal(23m, year2022.BaseHours);
        Assert.Equal("ok", year2022.Status);
        Assert.Equal(Math.Round(1 - 10m / 23m, 10), Math.Round(year2022.Reduction!.Value, 10));
    }

    [Fact]
    public async Task Documents_AreItemsTimesTheSeededTariff()
    {
        var year2022 = await HoursAsync("T", "document.formal", 2022);

        Assert.Null(year2022.OwnMinutes);
        Assert.Equal(17m, year2022.Items);
        Assert.Equal(60m, year2022.MinutesPerItem);
        Assert.Equal(17m, year2022.Hours);          // 17 x 60 / 60
        Assert.Equal(31m, year2022.BaseHours);
    }

    [Fact]
    public async Task Stock_IsMeanLevelTimesDaysTimesConfiguredTariff()
    {
        var year2022 = await HoursAsync("T", "digital_tool.app", 2022);

        Assert.Equal(1m, year2022.MeanLevel);
        Assert.Equal(12m, year2022.MinutesPerItem); // configured row beats the seeded 10
        Assert.Equal(73m, year2022.Hours);          // 1 x 365 x 12 / 60
        Assert.Equal(146m, year2022.BaseHours);     // 2 x 365 x 12 / 60
        Assert.Equal(0.5m, year2022.Reduction);
    }

    [Fact]
    public async Task ByUnit_SumsCategoriesPerFteShareOfWorkingTimeAndIndex()
    {
        await using var db = await OpenAsync(_connectionString);

        var row = await db.QuerySingleAsync<(decimal Hours, long Headcount, decimal PerFte, decimal Share, decimal BaseHours,
            decimal Index, decimal Reduction, string Status)>("""
            SELECT hours, subtree_headcount, hours_per_fte, share_of_working_time, base_hours, burden_index, reduction, status
            FROM marts.burden_hours_by_unit WHERE unit_code = 'T' AND period_kind = 'year' AND period_start = '2022-01-01'
            """);

        Assert.Equal(100m, row.Hours);              // 10 + 17 + 73
        Assert.Equal(20, row.Headcount);            // 10 + 5 + 5
        Assert.Equal(5m, row.PerFte);               // 100 / 20
        Assert.Equal(0.0025m, row.Share);           // 100 / (20 x 2000)
        Assert.Equal(200m, row.BaseHours);          // 23 + 31 + 146
        Assert.Equal(50m, row.Index);               // 100 x 100 / 200
        Assert.Equal(0.5m, row.Reduction);
        Assert.Equal("ok", row.Status);
    }

    [Fact]
    public async Task Index_WeighsCategoriesByTheirTariffWeight()
    {
        await using var db = await OpenAsync(_connectionString);
        await using var tx = await db.BeginTransactionAsync();
        await db.ExecuteAsync("""
            INSERT INTO ref.tariffs (category_pattern, minutes_per_item, index_weight, origin) VALUES ('document.formal', 60, 3, 'config')
            """, transaction: tx);

        var index = await db.ExecuteScalarAsync<decimal>(
            "SELECT burden_index FROM marts.burden_index WHERE unit_code = 'T' AND period_kind = 'year' AND period_start = '2022-01-01'",
            transaction: tx);

        // 100 x (10 + 3 x 17 + 73) / (23 + 3 x 31 + 146) = 100 x 134 / 262
        Assert.Equal(Math.Round(100m * 134m / 262m, 8), Math.Round(index, 8));
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task MonthShareOfWorkingTime_UsesOneTwelfthOfTheYearlyHours()
    {
        await using var db = await OpenAsync(_connectionString);

        var march = await db.QuerySingleAsync<(decimal Hours, decimal WorkingHours, decimal Share)>("""
            SELECT hours, working_hours_per_fte, share_of_working_time FROM marts.burden_hours
            WHERE unit_code = 'V1' AND category = 'meeting.offline' AND period_kind = 'month' AND period_start = '2022-03-01'
            """);

        Assert.Equal(10m, march.Hours);                                      // 600 / 60
        Assert.Equal(Math.Round(2000m / 12m, 8), Math.Round(march.WorkingHours, 8));
        Assert.Equal(Math.Round(10m / (5m * 2000m / 12m), 10), Math.Round(march.Share, 10)); // V1 has 5 FTE
    }

    [Fact]
    public async Task CoverageGapInOneCategory_WithholdsTheIndexAndNamesTheCategory()
    {
        await using var db = await OpenAsync(_connectionString);
        await using var tx = await db.BeginTransactionAsync();
        // 30 days of oa/docs in 2022 were never pulled: 335 / 365 = 0.918 < 0.95.
        await db.ExecuteAsync("DELETE FROM ops.coverage WHERE (source, stream) = ('oa', 'docs') AND day BETWEEN '2022-06-01' AND '2022-06-30'", transaction: tx);
        await db.ExecuteAsync("SELECT marts.refresh_periods('2022-06-01', '2022-06-30', '{document.formal}')", transaction: tx);

        var row = await db.QuerySingleAsync<(decimal? Index, string[] Insufficient, string Status)>("""
            SELECT burden_index, insufficient_categories, status FROM marts.burden_hours_by_unit
            WHERE unit_code = 'T' AND period_kind = 'year' AND period_start = '2022-01-01'
            """, transaction: tx);

        Assert.Null(row.Index);
        Assert.Equal(["document.formal"], row.Insufficient);
        Assert.Equal("insufficient_coverage", row.Status);
        await tx.RollbackAsync();
    }
}
