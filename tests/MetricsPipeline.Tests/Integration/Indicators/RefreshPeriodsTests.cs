using Dapper;
using Npgsql;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>marts.refresh_periods and the tables it writes (marts.period_values, marts.period_coverage).</summary>
public sealed class RefreshPeriodsTests(IndicatorScenarioFixture scenario) : IClassFixture<IndicatorScenarioFixture>
{
    private static readonly DateTime March2023 = new(2023, 3, 1);
    private static readonly DateTime April2023 = new(2023, 4, 1);
    private static readonly DateTime Year2023 = new(2023, 1, 1);

    [Fact]
    public async Task Refresh_FlowCategory_RollsUpVillagesIntoTownshipCountyAndCity()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // V1: 5 (oa/docs) + 3 (oa2/notices) = 8;  V2: 2
        Assert.Equal(8m, await ValueAsync(db, "V1", "document.formal", "count", "month", March2023));
        Assert.Equal(2m, await ValueAsync(db, "V2", "document.formal", "count", "month", March2023));
        // T = V1 8 + V2 2 + its own 2 = 12, and the county and city above it hold nothing else: 12 each.
        Assert.Equal(12m, await ValueAsync(db, "T", "document.formal", "count", "month", March2023));
        Assert.Equal(12m, await ValueAsync(db, "K", "document.formal", "count", "month", March2023));
        Assert.Equal(12m, await ValueAsync(db, "C", "document.formal", "count", "month", March2023));
        // The year: Feb 6 + Mar 12 = 18 at the city.
        Assert.Equal(18m, await ValueAsync(db, "C", "document.formal", "count", "year", Year2023));
    }

    [Fact]
    public async Task Refresh_SameUnitDayFromTwoSources_AddsThemUp()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // 2023-03-10, V1: oa/docs 5 + oa2/notices 3 = 8 (and V1 had nothing else in March).
        Assert.Equal(8m, await ValueAsync(db, "V1", "document.formal", "count", "month", March2023));
    }

    [Fact]
    public async Task Refresh_InactiveUnit_StillCountsInItsParentsHistory()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // March 2021: V1 10 + V2 6 + V3 (inactive) 4 = 20 at the township.
        Assert.Equal(20m, await ValueAsync(db, "T", "document.formal", "count", "month", new DateTime(2021, 3, 1)));
        Assert.Equal(4m, await ValueAsync(db, "V3", "document.formal", "count", "month", new DateTime(2021, 3, 1)));
        // An abolished unit gets no zero rows (no fake 100% reduction) where it has no facts.
        var v3Rows2023 = await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM marts.period_values WHERE unit_code = 'V3' AND period_start >= '2023-01-01'");
        Assert.Equal(0, v3Rows2023);
    }

    [Fact]
    public async Task Refresh_StockCategory_TakesPeriodEndLevelNotSum()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // April 2023: 04-30 was not pulled, so the last covered day is 04-29.
        // Level that day: V1 2 + V2 5 + T itself 0 (no row on a covered day = 0) = 7.
        // A sum over days would be 4*14 + 2*15 + 5*29 + 1 = 232; the level on 04-30 would be 0.
        Assert.Equal(7m, await ValueAsync(db, "T", "digital_tool.app", "active", "month", April2023));
        Assert.Equal(2m, await ValueAsync(db, "V1", "digital_tool.app", "active", "month", April2023));
        // The 2023 year ends on 12-31, a covered day with no apps: 0, whatever happened in April.
        Assert.Equal(0m, await ValueAsync(db, "T", "digital_tool.app", "active", "year", Year2023));
    }

    [Fact]
    public async Task Refresh_StockCategory_EmitsMeanLevelOverCoveredDaysAsOwnMeasure()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // T: (4*14 + 2*15 + 5*29 + 1) / 29 covered days = 232 / 29 = 8
        Assert.Equal(8m, await ValueAsync(db, "T", "digital_tool.app", "active_mean", "month", April2023));
        // V1: (4*14 + 2*15) / 29 = 86 / 29 = 2.965517...
        var v1Mean = await ValueAsync(db, "V1", "digital_tool.app", "active_mean", "month", April2023);
        Assert.Equal(Math.Round(86m / 29m, 10), Math.Round(v1Mean!.Value, 10));
        // Year 2023: 232 / 364 covered days (365 minus 04-30).
        var yearMean = await ValueAsync(db, "T", "digital_tool.app", "active_mean", "year", Year2023);
        Assert.Equal(Math.Round(232m / 364m, 10), Math.Round(yearMean!.Value, 10));
    }

    [Fact]
    public async Task Refresh_CoveredPeriodWithoutEvents_IsZeroNotMissing()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // V1 had 20 documents in July 2021 (base) and none in July 2023, a fully pulled month: 0.
        Assert.Equal(0m, await ValueAsync(db, "V1", "document.formal", "count", "month", new DateTime(2023, 7, 1)));
        // meeting.offline was not expected at all in 2021 (meet/rooms starts 2022): no row, not a zero.
        // (The ISO week 2021-12-27 .. 2022-01-02 does get a row: its last two days were expected.)
        var rows = await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM marts.period_values WHERE category = 'meeting.offline' AND period_end < '2022-01-01'");
        Assert.Equal(0, rows);
    }

    [Fact]
    public async Task Refresh_Coverage_CountsExpectedAndPulledCellsAndNamesMissingStreams()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var inspection = await CoverageAsync(db, "inspection.onsite", "month", March2023);
        // 2 streams x 31 days = 62 expected; insp/register missed 5 days: 62 - 5 = 57 pulled.
        Assert.Equal(62, inspection.ExpectedCells);
        Assert.Equal(57, inspection.CoveredCells);
        // Days with both streams pulled: 31 - 5 = 26; the last of them is 03-31.
        Assert.Equal(26, inspection.CoveredDays);
        Assert.Equal(new DateTime(2023, 3, 31), inspection.LastCoveredDay);
        Assert.Equal(["insp/register"], inspection.MissingStreams);

        // document.formal: oa/docs and oa2/notices, 2 x 31 = 62, all pulled; the inactive old/gone is not expected.
        var documents = await CoverageAsync(db, "document.formal", "month", March2023);
        Assert.Equal(62, documents.ExpectedCells);
        Assert.Equal(62, documents.CoveredCells);
        Assert.Equal(["oa/docs", "oa2/notices"], documents.Streams);
        Assert.Empty(documents.MissingStreams);

        // meeting.offline in 2021: meet/rooms starts 2022-01-01, nothing expected.
        var meetings2021 = await CoverageAsync(db, "meeting.offline", "year", new DateTime(2021, 1, 1));
        Assert.Equal(0, meetings2021.ExpectedCells);
        Assert.Null(meetings2021.Coverage);
    }

    [Fact]
    public async Task Refresh_Twice_GivesIdenticalRows()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);
        const string snapshot = """
            SELECT string_agg(concat_ws('|', unit_code, category, measure, period_kind, period_start, period_end,
                                        value, covered_days, expected_days), E'\n'
                              ORDER BY category, period_kind, period_start, unit_code, measure)
            FROM marts.period_values
            """;
        const string coverageSnapshot = """
            SELECT string_agg(concat_ws('|', category, period_kind, period_start, expected_cells, covered_cells,
                                        covered_days, last_covered_day, streams, missing_streams), E'\n'
                              ORDER BY category, period_kind, period_start)
            FROM marts.period_coverage
            """;
        var valuesBefore = await db.ExecuteScalarAsync<string>(snapshot);
        var coverageBefore = await db.ExecuteScalarAsync<string>(coverageSnapshot);
        var computedBefore = await db.ExecuteScalarAsync<DateTime>("SELECT max(computed_at) FROM marts.period_coverage");
        var valuesWrittenBefore = await db.ExecuteScalarAsync<DateTime>("SELECT max(computed_at) FROM marts.period_values");

        await RefreshAsync(db, new DateTime(2021, 1, 1), new DateTime(2023, 12, 31), Categories);

        Assert.Equal(valuesBefore, await db.ExecuteScalarAsync<string>(snapshot));
        Assert.Equal(coverageBefore, await db.ExecuteScalarAsync<string>(coverageSnapshot));
        // It really ran again (a new transaction, a later computed_at on coverage), and the snapshot is not empty.
        Assert.True(await db.ExecuteScalarAsync<DateTime>("SELECT max(computed_at) FROM marts.period_coverage") > computedBefore);
        // Unchanged values are not rewritten (V10): their computed_at stays.
        Assert.Equal(valuesWrittenBefore, await db.ExecuteScalarAsync<DateTime>("SELECT max(computed_at) FROM marts.period_values"));
        Assert.Contains("T|document.formal|count|month|2023-03-01|2023-03-31|12|", valuesBefore);
    }

    [Fact]
    public async Task Refresh_OnlyRecomputesTouchedCategoriesMonthsAndYears()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);
        var februaryComputedBefore = await ComputedAtAsync(db, "document.formal", "month", new DateTime(2023, 2, 1));
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id) VALUES
                ('oa',   'docs',  '2023-03-25', 'V2', 'document.formal', 'count',  10, now(), 2),
                ('meet', 'rooms', '2023-03-06', 'V1', 'meeting.offline', 'count', 100, now(), 2)
            """);

        await RefreshAsync(db, new DateTime(2023, 3, 25), new DateTime(2023, 3, 25), ["document.formal"]);

        // The touched month: 12 + 10 = 22; the touched year: 18 + 10 = 28.
        Assert.Equal(22m, await ValueAsync(db, "T", "document.formal", "count", "month", March2023));
        Assert.Equal(28m, await ValueAsync(db, "T", "document.formal", "count", "year", Year2023));
        // Another category, same month: not recomputed, still 4 without the new 100.
        Assert.Equal(4m, await ValueAsync(db, "T", "meeting.offline", "count", "month", March2023));
        // Another month of the same category: left alone.
        Assert.Equal(februaryComputedBefore, await ComputedAtAsync(db, "document.formal", "month", new DateTime(2023, 2, 1)));
    }

    [Fact]
    public async Task Refresh_WhileAnotherLoadHoldsTheLock_WaitsThenIncludesItsCommittedFacts()
    {
        var connectionString = await CreateAsync();
        await using var first = await OpenAsync(connectionString);
        await using var second = await OpenAsync(connectionString);
        const string insert = """
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES (@source, @stream, '2023-03-11', @unit, 'document.formal', 'count', @value, now(), 3)
            """;

        // Load 1 (oa/docs) writes its facts and refreshes, but has not committed yet.
        await using var firstTransaction = await first.BeginTransactionAsync();
        await first.ExecuteAsync(insert, new { source = "oa", stream = "docs", unit = "V1", value = 100 }, firstTransaction);
        await RefreshAsync(first, March2023, new DateTime(2023, 3, 31), ["document.formal"], firstTransaction);

        // Load 2 (oa2/notices) writes its facts and asks for the same refresh: it must wait.
        await using var secondTransaction = await second.BeginTransactionAsync();
        await second.ExecuteAsync(insert, new { source = "oa2", stream = "notices", unit = "V2", value = 1000 }, secondTransaction);
        var secondRefresh = RefreshAsync(second, March2023, new DateTime(2023, 3, 31), ["document.formal"], secondTransaction);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(secondRefresh.IsCompleted, "the second refresh should wait for the first transaction's lock");
        await using (var observer = await OpenAsync(connectionString))
        {
            var waitingOnAdvisoryLock = await observer.ExecuteScalarAsync<long>("""
                SELECT count(*) FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """);
            Assert.Equal(1, waitingOnAdvisoryLock);
        }

        await firstTransaction.CommitAsync();
        await secondRefresh.WaitAsync(TimeSpan.FromSeconds(30));
        await secondTransaction.CommitAsync();

        // The second refresh saw the first load's committed fact: 12 + 100 + 1000 = 1112.
        await using var reader = await OpenAsync(connectionString);
        Assert.Equal(1112m, await ValueAsync(reader, "T", "document.formal", "count", "month", March2023));
    }

    [Fact]
    public async Task CoverageNow_PeriodLastRefreshedBeforeItEnded_CountsLaterDaysAsMissing()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);
        // What a refresh on 2023-03-28 leaves when the only stream feeding check_in then stops for good:
        // 28 days expected and pulled, nothing missing, and no load (hence no refresh) since.
        await db.ExecuteAsync("""
            UPDATE marts.period_coverage
            SET expected_through = '2023-03-28', expected_cells = 28, covered_cells = 28, missing_streams = '{}'
            WHERE category = 'check_in' AND period_kind = 'month' AND period_start = '2023-03-01'
            """);

        var row = await db.QuerySingleAsync<(int Expected, int Covered, decimal Coverage, string[] Missing)>("""
            SELECT expected_cells, covered_cells, coverage, missing_streams FROM marts.coverage_now
            WHERE category = 'check_in' AND period_kind = 'month' AND period_start = '2023-03-01'
            """);

        // 03-29 .. 03-31 are now expected too and were never pulled: 28 + 3 = 31 expected, 28 covered.
        Assert.Equal(31, row.Expected);
        Assert.Equal(28, row.Covered);
        Assert.Equal(Math.Round(28m / 31m, 10), Math.Round(row.Coverage, 10));
        Assert.Equal(["chk/app"], row.Missing);
        // 28 / 31 = 0.903 < 0.95: the indicator is withheld.
        var indicator = await IndicatorAsync(db, "V1", "check_in", "month", March2023);
        Assert.Equal("insufficient_coverage", indicator.Status);
    }

    private static Task<CoverageRow> CoverageAsync(NpgsqlConnection db, string category, string periodKind, DateTime periodStart) =>
        db.QuerySingleAsync<CoverageRow>("""
            SELECT expected_cells AS ExpectedCells, covered_cells AS CoveredCells, coverage AS Coverage,
                   covered_days AS CoveredDays, last_covered_day AS LastCoveredDay,
                   streams AS Streams, missing_streams AS MissingStreams
            FROM marts.period_coverage
            WHERE category = @category AND period_kind = @periodKind AND period_start = @periodStart::date
            """, new { category, periodKind, periodStart });

    private static Task<DateTime> ComputedAtAsync(NpgsqlConnection db, string category, string periodKind, DateTime periodStart) =>
        db.QuerySingleAsync<DateTime>("""
            SELECT max(computed_at) FROM marts.period_values
            WHERE category = @category AND period_kind = @periodKind AND period_start = @periodStart::date
            """, new { category, periodKind, periodStart });

    private sealed class CoverageRow
    {
        public int ExpectedCells { get; init; }
        public int CoveredCells { get; init; }
        public decimal? Coverage { get; init; }
        public int CoveredDays { get; init; }
        public DateTime? LastCoveredDay { get; init; }
        public string[] Streams { get; init; } = [];
        public string[] MissingStreams { get; init; } = [];
    }
}
