using Dapper;
using Npgsql;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>ISO weeks, quarters, the day level, rolling 12 months and seeded targets, on <see cref="IndicatorScenario"/>.</summary>
public sealed class PeriodCatalogTests(IndicatorScenarioFixture scenario) : IClassFixture<IndicatorScenarioFixture>
{
    private static readonly DateTime Week10Of2023 = new(2023, 3, 6);   // Monday; 2023-03-06 .. 03-12
    private static readonly DateTime Q1Of2023 = new(2023, 1, 1);

    [Fact]
    public async Task Week_SumsItsSevenDaysAndComparesWithSameIsoWeekOfBaseYear()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var row = await IndicatorAsync(db, "T", "document.formal", "week", Week10Of2023);

        // Week 10 of 2023: V1 03-10 8 (5 + 3) + V2 03-12 2 = 10; T's own 03-20 is in week 12.
        Assert.Equal(10m, row.Value);
        // Week 10 of ISO year 2021 is 2021-03-08 .. 03-14: only V1 03-10 10 (V2 03-15 is week 11, V3 03-05 week 9).
        Assert.Equal(new DateTime(2021, 3, 8), row.BasePeriodStart);
        Assert.Equal(10m, row.BaseValue);
        Assert.Equal("ok", row.Status);
        Assert.Equal(0m, row.Reduction);              // 1 - 10 / 10
        // Week 10 of 2022 is 2022-03-07 .. 03-13: V1 03-10 8 (V2 03-15 falls in week 11): 10 / 8 - 1 = 0.25.
        Assert.Equal(8m, row.PriorYearValue);
        Assert.Equal(0.25m, row.YoyChange);
    }

    [Fact]
    public async Task Week_PeriodOverPeriod_IsUndefinedAgainstAnEmptyPreviousWeek()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var pop = await db.QuerySingleAsync<(DateTime PriorStart, decimal? PriorValue, decimal? Change)>("""
            SELECT prior_period_start, prior_period_value, pop_change FROM marts.weekly_indicators
            WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count' AND period_start = '2023-03-06'
            """);

        Assert.Equal(new DateTime(2023, 2, 27), pop.PriorStart);
        Assert.Equal(0m, pop.PriorValue);   // 02-27 .. 03-05: nothing (V1's February document was on 02-05)
        Assert.Null(pop.Change);            // 10 / 0: undefined
    }

    [Fact]
    public async Task Quarter_SumsItsMonthsAndComparesWithSameQuarterOfBaseYear()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var row = await IndicatorAsync(db, "T", "document.formal", "quarter", Q1Of2023);

        Assert.Equal(18m, row.Value);        // January 0 + February 6 + March 12
        Assert.Equal(20m, row.BaseValue);    // Q1 2021: March 10 + 6 + 4
        Assert.Equal(0.1m, row.Reduction);   // 1 - 18 / 20
        Assert.Equal(16m, row.PriorYearValue); // Q1 2022: March 8 + 8
        Assert.Equal("ok", row.Status);
    }

    [Fact]
    public async Task Quarter_Stock_TakesLevelOfLastCompleteDayAndMeanOverCompleteDays()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // Q2 2023 ends on 06-30, a covered day without apps: the level is 0, whatever April held.
        Assert.Equal(0m, await ValueAsync(db, "T", "digital_tool.app", "active", "quarter", new DateTime(2023, 4, 1)));
        // Mean over the complete days: April's level sum 232 over 29 + 31 + 30 = 90 complete days.
        var mean = await ValueAsync(db, "T", "digital_tool.app", "active_mean", "quarter", new DateTime(2023, 4, 1));
        Assert.Equal(Math.Round(232m / 90m, 10), Math.Round(mean!.Value, 10));
        // The quarterly view holds quarters only.
        var notQuarters = await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM marts.quarterly_indicators WHERE period_start <> date_trunc('quarter', period_start)");
        Assert.Equal(0, notQuarters);
    }

    [Fact]
    public async Task Week53_HasNoBaseWhenTheBaseYearHasNoWeek53()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // ISO 2020 had 53 weeks; the scenario starts 2021, so use week 52 of 2022 against 2021 (52 weeks)
        // for the positive case and the helper directly for week 53.
        var baseOfWeek53 = await db.ExecuteScalarAsync<DateTime?>("SELECT marts.season_start('week', '2020-12-28', 2021)");
        var baseOfWeek52 = await db.ExecuteScalarAsync<DateTime?>("SELECT marts.season_start('week', '2022-12-26', 2021)");

        Assert.Null(baseOfWeek53);                          // 2021 has 52 ISO weeks
        Assert.Equal(new DateTime(2021, 12, 27), baseOfWeek52);
    }

    [Fact]
    public async Task Rolling12Months_SumsTheTwelveMonthsEndingWithTheMonth()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var row = await db.QuerySingleAsync<(DateTime WindowStart, int Months, decimal Value, decimal PriorValue,
            decimal YoyChange, decimal BaseYearValue, decimal Reduction, string Status)>("""
            SELECT window_start, months_present, value, prior_value, yoy_change, base_year_value, reduction, status
            FROM marts.rolling_12_months
            WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count' AND window_end = '2023-03-31'
            """);

        Assert.Equal(new DateTime(2022, 4, 1), row.WindowStart);
        Assert.Equal(12, row.Months);
        Assert.Equal(26m, row.Value);            // 2022-09 8 + 2023-02 6 + 2023-03 12
        Assert.Equal(36m, row.PriorValue);       // 2021-04 .. 2022-03: 2021-07 20 + 2022-03 16
        Assert.Equal(Math.Round(26m / 36m - 1, 10), Math.Round(row.YoyChange, 10));
        Assert.Equal(40m, row.BaseYearValue);    // 2021
        Assert.Equal(0.35m, row.Reduction);      // 1 - 26 / 40
        Assert.Equal("ok", row.Status);
    }

    [Fact]
    public async Task Rolling12Months_WindowReachingBeforeHistory_IsInsufficientCoverage()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // The window ending 2021-06 starts 2020-07, before any stream's history: 6 months present.
        var row = await db.QuerySingleAsync<(int Months, string Status, decimal? Reduction)>("""
            SELECT months_present, status, reduction FROM marts.rolling_12_months
            WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count' AND window_end = '2021-06-30'
            """);

        Assert.Equal(6, row.Months);
        Assert.Equal("insufficient_coverage", row.Status);
        Assert.Null(row.Reduction);
    }

    [Fact]
    public async Task DailyValues_RollUpTheDayAndSayWhetherItWasComplete()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var day = await db.QuerySingleAsync<(decimal Value, decimal PerFte, bool Complete)>("""
            SELECT value, per_fte_subtree, complete FROM marts.daily_values
            WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count' AND day = '2023-03-10'
            """);
        Assert.Equal(8m, day.Value);                                   // V1: oa/docs 5 + oa2/notices 3
        Assert.Equal(Math.Round(8m / 9m, 10), Math.Round(day.PerFte, 10)); // T + V1 + V2 = 5 + 4 + 0 FTE
        Assert.True(day.Complete);

        // insp/register missed 2023-03-01 .. 03-05: a day of that gap is not complete for inspections.
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('insp2', 'remote', '2023-03-02', 'V1', 'inspection.onsite', 'count', 1, now(), 9)
            ON CONFLICT DO NOTHING
            """);
        var gapDay = await db.ExecuteScalarAsync<bool>("""
            SELECT complete FROM marts.daily_values
            WHERE unit_code = 'V1' AND category = 'inspection.onsite' AND measure = 'count' AND day = '2023-03-02'
            """);
        Assert.False(gapDay);
        await db.ExecuteAsync("DELETE FROM facts.daily WHERE window_id = 9");
    }

    [Fact]
    public async Task SeededTargets_CarryTheirPublicSourceButGiveNoAttainmentAgainstAnotherBase()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var seeded = (await db.QueryAsync<(string Pattern, string BasePeriod, decimal Reduction, string Source)>(
            "SELECT category_pattern, base_period, reduction, public_source FROM ref.targets WHERE origin = 'seed' ORDER BY category_pattern")).ToList();
        Assert.Equal(["document.*", "inspection.*", "meeting.*"], seeded.Select(s => s.Pattern));
        Assert.All(seeded, s => Assert.Equal("2018", s.BasePeriod));
        Assert.Equal(0.5m, seeded.Single(s => s.Pattern == "inspection.*").Reduction);
        Assert.Contains("为基层减负的通知", seeded.Single(s => s.Pattern == "document.*").Source);

        // Inspections have no configured target: the seeded 50% is shown, but it is set against 2018 and
        // the scenario's base is 2021, so a reduction of 50% does not count as attainment.
        var year = await IndicatorAsync(db, "V1", "inspection.onsite", "year", new DateTime(2023, 1, 1));
        Assert.Equal(0.5m, year.Reduction);
        Assert.Equal(0.5m, year.TargetReduction);
        Assert.Null(year.Attainment);
        // Documents: the configured target against 2021 wins over the seeded one against 2018.
        var documents = await IndicatorAsync(db, "T", "document.formal", "year", new DateTime(2023, 1, 1));
        Assert.Equal("National notice", documents.TargetSource);
    }
}

/// <summary>Quarters and years derived from stored months when only one month is refreshed.</summary>
public sealed class DerivedPeriodTests
{
    [Fact]
    public async Task RefreshOfOneMonth_UpdatesItsWeekQuarterAndYearFromStoredMonths()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('oa', 'docs', '2023-05-17', 'V2', 'document.formal', 'count', 5, now(), 2)
            """);

        await RefreshAsync(db, new DateTime(2023, 5, 17), new DateTime(2023, 5, 17), ["document.formal"]);

        // The month and its ISO week (2023-05-15 .. 05-21) from facts: 5 each.
        Assert.Equal(5m, await ValueAsync(db, "T", "document.formal", "count", "month", new DateTime(2023, 5, 1)));
        Assert.Equal(5m, await ValueAsync(db, "T", "document.formal", "count", "week", new DateTime(2023, 5, 15)));
        // Q2 from April 0 + May 5 + June 0; the year from the stored January .. April and the new May: 18 + 5.
        Assert.Equal(5m, await ValueAsync(db, "T", "document.formal", "count", "quarter", new DateTime(2023, 4, 1)));
        Assert.Equal(23m, await ValueAsync(db, "T", "document.formal", "count", "year", new DateTime(2023, 1, 1)));
        Assert.Equal(23m, await ValueAsync(db, "C", "document.formal", "count", "year", new DateTime(2023, 1, 1)));
        // Q1 was not touched: still 18.
        Assert.Equal(18m, await ValueAsync(db, "T", "document.formal", "count", "quarter", new DateTime(2023, 1, 1)));
    }

    [Fact]
    public async Task RefreshOfOneMonth_ReadsOnlyTheFactsOfItsWeeksAndMonth()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);
        // A fact in January changed behind the refresh's back (no refresh for January): a May refresh must
        // not pick it up in the year, because the year is derived from the stored January, not from facts.
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('oa', 'docs', '2023-01-10', 'V1', 'document.formal', 'count', 100, now(), 2)
            """);

        await RefreshAsync(db, new DateTime(2023, 5, 17), new DateTime(2023, 5, 17), ["document.formal"]);

        Assert.Equal(18m, await ValueAsync(db, "T", "document.formal", "count", "year", new DateTime(2023, 1, 1)));
        // Once January is refreshed (its load would do that), the year follows: 18 + 100.
        await RefreshAsync(db, new DateTime(2023, 1, 10), new DateTime(2023, 1, 10), ["document.formal"]);
        Assert.Equal(118m, await ValueAsync(db, "T", "document.formal", "count", "year", new DateTime(2023, 1, 1)));
    }

    [Fact]
    public async Task IsoWeekAcrossNewYear_IsComputedWholeFromBothYearsDays()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);
        // ISO week 2023-W01 runs 2023-01-02 .. 01-08; 2021-W52 runs 2021-12-27 .. 2022-01-02.
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id) VALUES
                ('oa', 'docs', '2021-12-28', 'V1', 'document.formal', 'count', 3, now(), 2),
                ('oa', 'docs', '2022-01-02', 'V1', 'document.formal', 'count', 4, now(), 2)
            """);

        // A load of 2022-01-02 alone touches the week that began in 2021.
        await RefreshAsync(db, new DateTime(2022, 1, 2), new DateTime(2022, 1, 2), ["document.formal"]);

        Assert.Equal(7m, await ValueAsync(db, "V1", "document.formal", "count", "week", new DateTime(2021, 12, 27)));
    }
}
