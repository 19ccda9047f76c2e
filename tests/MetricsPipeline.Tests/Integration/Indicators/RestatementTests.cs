using Dapper;
using Npgsql;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>Restatement: published values replaced by late data are kept, and marts.indicators_as_of reads them back.</summary>
public sealed class RestatementTests
{
    private static readonly DateTime March2023 = new(2023, 3, 1);

    /// <summary>A load window in the caller's transaction, as WindowWriter writes it before refreshing.</summary>
    private static Task<long> InsertWindowAsync(NpgsqlConnection db, NpgsqlTransaction tx, string from, string to) =>
        db.ExecuteScalarAsync<long>("""
            WITH run AS (INSERT INTO ops.runs (trigger, source, host) VALUES ('run-once', 'oa', 'test') RETURNING run_id)
            INSERT INTO ops.windows (run_id, source, stream, day_from, day_to, open_before, open_after, started_at, finished_at, status)
            SELECT run_id, 'oa', 'docs', @from::date, @to::date, false, false, now(), now(), 'succeeded' FROM run
            RETURNING window_id
            """, new { from, to }, tx);

    private static async Task<DateTime> LateDocumentsAsync(NpgsqlConnection db, int count)
    {
        await using var tx = await db.BeginTransactionAsync();
        var windowId = await InsertWindowAsync(db, tx, "2023-03-15", "2023-03-15");
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('oa', 'docs', '2023-03-15', 'V1', 'document.formal', 'count', @count, now(), @windowId)
            """, new { count, windowId }, tx);
        await RefreshAsync(db, new DateTime(2023, 3, 15), new DateTime(2023, 3, 15), ["document.formal"], tx);
        await tx.CommitAsync();
        return await db.ExecuteScalarAsync<DateTime>("SELECT clock_timestamp()");
    }

    [Fact]
    public async Task LateRowsChangingAPublishedMonth_KeepTheOldValueWithItsTimeAndReason()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);

        await LateDocumentsAsync(db, 4);

        var rows = (await db.QueryAsync<(string Unit, string Kind, decimal Old, decimal New, string Reason, long? WindowId)>("""
            SELECT unit_code, period_kind, old_value, new_value, reason, window_id FROM marts.restatements
            WHERE category = 'document.formal' AND measure = 'count' AND unit_code = 'T'
            ORDER BY period_kind
            """)).ToList();
        // March 2023, its week (03-13 .. 03-19), Q1 and the year: 12 -> 16, 0 -> 4, 18 -> 22, 18 -> 22.
        Assert.Equal(["month", "quarter", "week", "year"], rows.Select(r => r.Kind));
        Assert.Equal((12m, 16m), (rows[0].Old, rows[0].New));
        Assert.Equal((0m, 4m), (rows[2].Old, rows[2].New));
        Assert.Equal((18m, 22m), (rows[3].Old, rows[3].New));
        Assert.All(rows, r => Assert.NotNull(r.WindowId));
        Assert.Contains($"window {rows[0].WindowId} re-pulled oa/docs 2023-03-15..2023-03-15", rows[0].Reason);
    }

    [Fact]
    public async Task Restatements_ShowTheOldAndNewReductionAndStatusBesideTheValues()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);

        await LateDocumentsAsync(db, 4);

        const string restated = """
            SELECT period_kind, old_value, new_value, base_period_start, old_base_value, new_base_value,
                   old_reduction, new_reduction, old_status, new_status
            FROM marts.restatements
            WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count' AND period_kind IN ('month', 'year')
            ORDER BY replaced_at, period_kind
            """;
        var rows = (await db.QueryAsync<(string Kind, decimal Old, decimal? New, DateTime BaseStart, decimal? OldBase, decimal? NewBase,
            decimal? OldReduction, decimal? NewReduction, string OldStatus, string NewStatus)>(restated)).ToList();
        // March 2023: 12 -> 16 against March 2021's 20 (V1 10, V2 6, V3 4): 1 - 12/20 = 0.4 -> 1 - 16/20 = 0.2.
        Assert.Equal(("month", 12m, (decimal?)16m, new DateTime(2021, 3, 1), (decimal?)20m, (decimal?)20m, (decimal?)0.4m, (decimal?)0.2m, "ok", "ok"), rows[0]);
        // The year 2023: 18 -> 22 against 2021's 40: 0.55 -> 0.45; the same as indicators_as_of before and after.
        Assert.Equal(("year", 18m, (decimal?)22m, new DateTime(2021, 1, 1), (decimal?)40m, (decimal?)40m, (decimal?)0.55m, (decimal?)0.45m, "ok", "ok"), rows[1]);

        // Then days of March 2023 are lost (a retracted window: their coverage and their facts go): the change
        // withholds the reduction that had been published.
        await using (var tx = await db.BeginTransactionAsync())
        {
            await db.ExecuteAsync("""
                DELETE FROM ops.coverage WHERE source = 'oa' AND stream = 'docs' AND day BETWEEN '2023-03-01' AND '2023-03-10';
                DELETE FROM facts.daily WHERE source = 'oa' AND stream = 'docs' AND day = '2023-03-10';
                """, transaction: tx);
            await RefreshAsync(db, new DateTime(2023, 3, 1), new DateTime(2023, 3, 10), ["document.formal"], tx);
            await tx.CommitAsync();
        }
        var lost = (await db.QueryAsync<(string Kind, decimal Old, decimal? New, DateTime BaseStart, decimal? OldBase, decimal? NewBase,
            decimal? OldReduction, decimal? NewReduction, string OldStatus, string NewStatus)>(restated)).Skip(2).First(r => r.Kind == "month");
        // 16 -> 11 (V1's 5 of 03-10 gone) with 52 of 62 cells pulled (0.84 < 0.95): reduction 0.2 -> withheld.
        Assert.Equal((16m, (decimal?)11m, (decimal?)0.2m, (decimal?)null, "ok", "insufficient_coverage"),
            (lost.Old, lost.New, lost.OldReduction, lost.NewReduction, lost.OldStatus, lost.NewStatus));
    }

    [Fact]
    public async Task UnchangedValues_GetNoHistoryRow()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);
        var februarySince = await db.ExecuteScalarAsync<DateTime>(
            "SELECT value_since FROM marts.period_values WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count' AND period_kind = 'month' AND period_start = '2023-02-01'");

        await LateDocumentsAsync(db, 4);
        await RefreshAsync(db, new DateTime(2023, 2, 1), new DateTime(2023, 2, 28), ["document.formal"]);

        var february = await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM marts.period_values_history WHERE period_kind = 'month' AND period_start = '2023-02-01'");
        Assert.Equal(0, february);
        // Recomputing February with the same value keeps the time it was first known.
        Assert.Equal(februarySince, await db.ExecuteScalarAsync<DateTime>(
            "SELECT value_since FROM marts.period_values WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count' AND period_kind = 'month' AND period_start = '2023-02-01'"));
    }

    [Fact]
    public async Task RunningPeriodAndPeriodBelowCoverageThreshold_AreNotRestatements()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);

        // The current month changes with every load: provisional, not kept.
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('oa2', 'notices', current_date, 'V2', 'document.formal', 'count', 1, now(), 2)
            """);
        await db.ExecuteAsync("SELECT marts.refresh_periods(current_date, current_date, '{document.formal}')");
        // March 2023 inspections were published with 57 / 62 = 0.92 coverage, below 0.95: never a published number.
        await db.ExecuteAsync("""
            INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
            VALUES ('insp2', 'remote', '2023-03-20', 'V1', 'inspection.onsite', 'count', 3, now(), 2)
            """);
        await RefreshAsync(db, new DateTime(2023, 3, 20), new DateTime(2023, 3, 20), ["inspection.onsite"]);

        var history = await db.QueryAsync<(string Category, string Kind, DateTime Start)>(
            "SELECT category, period_kind, period_start FROM marts.period_values_history");
        // Only inspection periods with enough coverage: the year 2023 (0.993) and Q1 (the gap of 5 days
        // in 180 cells: 175 / 180 = 0.972); not March (0.92), not the current month, week, quarter or year.
        Assert.All(history, h => Assert.Equal("inspection.onsite", h.Category));
        Assert.Equal(["quarter", "week", "year"], history.Select(h => h.Kind).Distinct().Order());
        Assert.DoesNotContain(history, h => h.Kind == "month");
    }

    [Fact]
    public async Task IndicatorsAsOf_AnswersWhatWasReportedBeforeTheRestatement()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);
        var before = await db.ExecuteScalarAsync<DateTime>("SELECT clock_timestamp()");
        await Task.Delay(20);

        await LateDocumentsAsync(db, 4);

        const string asOf = """
            SELECT value, value_restated, base_value, reduction, status
            FROM marts.indicators_as_of(@at, 'T', 'document.formal', 'month')
            WHERE measure = 'count' AND period_start = '2023-03-01'
            """;
        var then = await db.QuerySingleAsync<(decimal Value, bool Restated, decimal BaseValue, decimal Reduction, string Status)>(asOf, new { at = before });
        Assert.Equal(12m, then.Value);
        Assert.True(then.Restated);
        Assert.Equal(20m, then.BaseValue);
        Assert.Equal(0.4m, then.Reduction);     // 1 - 12 / 20, as reported then
        Assert.Equal("ok", then.Status);

        var now = await db.QuerySingleAsync<(decimal Value, bool Restated, decimal BaseValue, decimal Reduction, string Status)>(
            asOf, new { at = DateTime.UtcNow.AddMinutes(1) });
        Assert.Equal(16m, now.Value);
        Assert.False(now.Restated);
        Assert.Equal(0.2m, now.Reduction);      // 1 - 16 / 20
        // And the live view agrees with "as of now".
        Assert.Equal(0.2m, (await IndicatorAsync(db, "T", "document.formal", "month", March2023)).Reduction);
    }

    [Fact]
    public async Task IndicatorsAsOf_BeforeAnythingWasComputed_ReturnsNothing()
    {
        var connectionString = await CreateAsync();
        await using var db = await OpenAsync(connectionString);

        var rows = await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM marts.indicators_as_of(now() - interval '1 day')");

        Assert.Equal(0, rows);
    }
}
