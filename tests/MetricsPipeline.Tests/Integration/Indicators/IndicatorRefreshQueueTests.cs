using Dapper;
using MetricsPipeline.Indicators;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// Loads queue their days in ops.indicator_refresh_queue (in the load's transaction) and marts.refresh_queued()
/// refreshes them later: scheduled runs leave the marts to the service's refresher, run-once refreshes at its end,
/// and the deferred refresh computes exactly what a refresh of everything computes.
/// </summary>
public sealed class IndicatorRefreshQueueTests
{
    private const long RefreshLockKey = 469786326131;

    [Fact]
    public async Task ScheduledRun_QueuesItsWindows_AndTheDrainProducesWhatAFullRefreshProduces()
    {
        await using var h = await CreateLoadedAsync("queue_drain");
        await using var services = h.BuildServices();

        var results = await services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.Schedule, null, null, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        // One queue row per succeeded window, naming it; nothing in the marts yet.
        var windows = await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows WHERE status = 'succeeded'");
        var queued = await h.QueryAsync<(long WindowId, string Reason)>("SELECT window_id, reason FROM ops.indicator_refresh_queue ORDER BY queue_id");
        Assert.Equal(windows, queued.Count);
        Assert.All(queued, q => Assert.StartsWith($"window {q.WindowId} re-pulled ", q.Reason));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM marts.period_values"));

        var refresh = await services.GetRequiredService<IndicatorRefresher>().RefreshQueuedAsync(wait: true, CancellationToken.None);

        Assert.False(refresh.WasBusy);
        Assert.Equal(windows, refresh.Loads);
        // Every stream's windows cover the same days, so they merge into one range.
        var range = Assert.Single(refresh.Ranges);
        Assert.Equal(h.Options.History.From, range.DayFrom);
        Assert.Equal(["check_in", "document.formal", "document.informal", "meeting.offline", "meeting.online", "report_form"], range.Categories);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.indicator_refresh_queue"));
        // 2025-03-03 (Beijing) V01: 2 RED documents, so 2 at V01, T01 and C01 in March.
        Assert.Equal(2m, await h.ScalarAsync<decimal>(
            "SELECT value FROM marts.period_values WHERE unit_code = 'C01' AND category = 'document.formal' AND measure = 'count' AND period_kind = 'month' AND period_start = '2025-03-01'"));

        var deferred = await h.SnapshotAsync("marts.period_values", "unit_code, category, measure, period_kind, period_start, value, level_sum, covered_days, expected_days");
        var coverage = await h.SnapshotAsync("marts.period_coverage", "category, period_kind, period_start, expected_cells, covered_cells, covered_days");
        // A refresh of every day from scratch agrees with the deferred one, row for row. (The first
        // refresh also met a new org tree, which recomputes whole years: so does this one.)
        await h.ScalarAsync<object>("""
            TRUNCATE marts.period_sums, marts.period_coverage;
            SELECT marts.refresh_periods(@from, @to, @categories);
            """, new { from = new DateOnly(range.DayFrom.Year, 1, 1), to = new DateOnly(range.DayTo.Year, 12, 31), categories = range.Categories });
        Assert.Equal(deferred, await h.SnapshotAsync("marts.period_values", "unit_code, category, measure, period_kind, period_start, value, level_sum, covered_days, expected_days"));
        Assert.Equal(coverage, await h.SnapshotAsync("marts.period_coverage", "category, period_kind, period_start, expected_cells, covered_cells, covered_days"));
    }

    [Fact]
    public async Task RunOnce_RefreshesBeforeItReturns_AndARepeatedRunLeavesTheMartsAsTheyWere()
    {
        await using var h = await CreateLoadedAsync("queue_runonce");

        var first = await h.RunOnceAsync();

        Assert.All(first, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.indicator_refresh_queue"));
        var marts = await h.SnapshotAsync("marts.period_values", "unit_code, category, measure, period_kind, period_start, value, computed_at, value_since");
        Assert.NotEmpty(marts);

        await h.RunOnceAsync();

        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.indicator_refresh_queue"));
        Assert.Equal(marts, await h.SnapshotAsync("marts.period_values", "unit_code, category, measure, period_kind, period_start, value, computed_at, value_since"));
    }

    [Fact]
    public async Task Drain_MergesOverlappingAndAdjacentRanges_AndKeepsDistantOnesApart()
    {
        await using var h = await PipelineHarness.CreateAsync("queue_merge");
        await h.RunOnceAsync(); // reference data and an empty history, refreshed
        await h.ScalarAsync<object>("""
            TRUNCATE marts.period_coverage, marts.period_sums;
            INSERT INTO ops.indicator_refresh_queue (day_from, day_to, categories, window_id, reason) VALUES
                ('2025-01-01', '2025-01-10', '{document.formal}', 1, 'a'),
                ('2025-01-05', '2025-01-20', '{check_in}', 2, 'b'),
                ('2025-01-21', '2025-01-22', '{document.formal}', 3, 'c'),
                ('2025-03-01', '2025-03-02', '{report_form}', 4, 'd');
            """);

        var ranges = await h.QueryAsync<(DateTime DayFrom, DateTime DayTo, string[] Categories, int Loads)>(
            "SELECT day_from, day_to, categories, loads FROM marts.refresh_queued() ORDER BY day_from");

        Assert.Equal(2, ranges.Count);
        Assert.Equal((new DateTime(2025, 1, 1), new DateTime(2025, 1, 22), 3), (ranges[0].DayFrom, ranges[0].DayTo, ranges[0].Loads));
        Assert.Equal(["check_in", "document.formal"], ranges[0].Categories);
        Assert.Equal((new DateTime(2025, 3, 1), new DateTime(2025, 3, 2), 1), (ranges[1].DayFrom, ranges[1].DayTo, ranges[1].Loads));
        Assert.Equal(["report_form"], ranges[1].Categories);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.indicator_refresh_queue"));
        // The refresh of the merged range wrote coverage for its periods only.
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM marts.period_coverage WHERE period_kind = 'month' AND period_start = '2025-02-01'"));
        Assert.True(await h.ScalarAsync<long>("SELECT count(*) FROM marts.period_coverage WHERE period_kind = 'month' AND period_start = '2025-03-01' AND category = 'report_form'") == 1);
    }

    [Fact]
    public async Task Drain_WhileAnotherHoldsTheRefreshLock_SkipsWithoutLosingAnything_ThenDrainsOnceFree()
    {
        await using var h = await CreateLoadedAsync("queue_busy");
        await using var services = h.BuildServices();
        await services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.Schedule, null, null, CancellationToken.None);
        var queued = await h.ScalarAsync<long>("SELECT count(*) FROM ops.indicator_refresh_queue");
        Assert.True(queued > 0);
        var refresher = services.GetRequiredService<IndicatorRefresher>();

        await using (var other = new NpgsqlConnection(h.Warehouse))
        {
            await other.OpenAsync();
            await using var holding = await other.BeginTransactionAsync();
            await other.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", new { key = RefreshLockKey }, holding);

            var skipped = await refresher.RefreshQueuedAsync(wait: false, CancellationToken.None);

            Assert.True(skipped.WasBusy);
            Assert.Equal(queued, await h.ScalarAsync<long>("SELECT count(*) FROM ops.indicator_refresh_queue"));
            var backlog = await refresher.BacklogAsync(CancellationToken.None);
            Assert.Equal(queued, backlog.Loads);
            Assert.NotNull(backlog.OldestQueuedAt);
        }

        var drained = await refresher.RefreshQueuedAsync(wait: false, CancellationToken.None);

        Assert.False(drained.WasBusy);
        Assert.Equal(queued, drained.Loads);
        Assert.Equal(0, (await refresher.BacklogAsync(CancellationToken.None)).Loads);
    }

    [Fact]
    public async Task Drain_RolledBack_LeavesTheQueueAndTheMartsAsTheyWere()
    {
        await using var h = await CreateLoadedAsync("queue_rollback");
        await using var services = h.BuildServices();
        await services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.Schedule, null, null, CancellationToken.None);
        var queue = await h.SnapshotAsync("ops.indicator_refresh_queue");

        await using (var db = new NpgsqlConnection(h.Warehouse))
        {
            await db.OpenAsync();
            await using var tx = await db.BeginTransactionAsync();
            var refreshed = (await db.QueryAsync("SELECT * FROM marts.refresh_queued()", transaction: tx)).Count();
            Assert.Equal(1, refreshed);
            await tx.RollbackAsync(); // as a crash or a cancel would
        }

        Assert.Equal(queue, await h.SnapshotAsync("ops.indicator_refresh_queue"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM marts.period_values"));
    }

    [Fact]
    public async Task LateRow_AfterPublication_IsARestatementNamingTheWindowThatQueuedIt()
    {
        await using var h = await CreateLoadedAsync("queue_restate");
        await h.RunOnceAsync();
        // Two weeks later a clerk back-fills a document on 2025-03-03; the week of 03-03 has ended and is published.
        h.Clock.Advance(TimeSpan.FromDays(14));
        await h.RunOnceAsync();
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('V01', 'RED', '2025-03-03 02:00:00+00', 1)");
        h.Clock.Advance(TimeSpan.FromDays(1));
        h.Options.Sources[0].LookbackDays = 30;

        await h.RunOnceAsync("county-oa");

        var windowId = await h.ScalarAsync<long>("SELECT max(window_id) FROM ops.windows WHERE source = 'county-oa' AND stream = 'documents'");
        var history = await h.QueryAsync<(decimal? Value, decimal? NewValue, long? WindowId, string Reason)>("""
            SELECT value, new_value, window_id, reason FROM marts.period_values_history
            WHERE unit_code = 'V01' AND category = 'document.formal' AND measure = 'count' AND period_kind = 'week' AND period_start = '2025-03-03'
            """);
        var row = Assert.Single(history);
        Assert.Equal((2m, 3m), (row.Value, row.NewValue));
        Assert.Contains($"window {windowId} re-pulled county-oa/documents", row.Reason);
    }

    [Fact]
    public async Task RePulledWindow_RecordsWhatItChanged_AndTheRefreshAddsOnlyThatUpTheTree_AsARecomputeWould()
    {
        await using var h = await CreateLoadedAsync("queue_deltas");
        await using var services = h.BuildServices();
        await h.RunOnceAsync();
        h.Clock.Advance(TimeSpan.FromDays(14));
        await h.RunOnceAsync();
        // Late, corrected and deleted rows of published days: a RED document back-filled on 03-03, the other
        // one's pages corrected, V02's document withdrawn.
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('V01', 'RED', '2025-03-03 02:00:00+00', 1);
            UPDATE oa.documents SET pages = 7 WHERE unit_code = 'V01' AND issued_at = '2025-03-03 05:00:00+00';
            UPDATE oa.documents SET deleted = true WHERE unit_code = 'V02';
            """);
        h.Clock.Advance(TimeSpan.FromDays(1));
        h.Options.Sources[0].LookbackDays = 30;

        var results = await services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.Schedule, "county-oa", null, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        // The re-pull queued its days as recorded changes, one per changed fact (a fact is a day's sum): V01's
        // RED documents of 03-03 went from 2 to 3 and their pages from 2 + 4 to 2 + 1 + 7; V02's are withdrawn.
        Assert.True(await h.ScalarAsync<bool>("SELECT bool_and(deltas) FROM ops.indicator_refresh_queue WHERE window_id IN (SELECT window_id FROM ops.windows WHERE source = 'county-oa')"));
        var deltas = await h.QueryAsync<(string Unit, string Category, string Measure, decimal Delta)>(
            "SELECT unit_code, category, measure, delta FROM ops.fact_deltas ORDER BY unit_code, category, measure");
        Assert.Equal([("V01", "document.formal", "count", 1m), ("V01", "document.formal", "pages", 4m),
                      ("V02", "document.informal", "count", -1m), ("V02", "document.informal", "pages", -1m)], deltas);

        // Nothing is recomputed from facts: the full refresh is out of reach while the queue drains.
        await h.ScalarAsync<object>("ALTER FUNCTION marts.refresh_periods(date, date, text[]) RENAME TO refresh_periods_unreachable");
        var refresh = await services.GetRequiredService<IndicatorRefresher>().RefreshQueuedAsync(wait: true, CancellationToken.None);
        await h.ScalarAsync<object>("ALTER FUNCTION marts.refresh_periods_unreachable(date, date, text[]) RENAME TO refresh_periods");

        Assert.NotEmpty(refresh.Ranges);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.fact_deltas"));
        // Up the tree: the county counts 3 formal documents in March, and the withdrawn informal one is a 0.
        Assert.Equal(3m, await h.ScalarAsync<decimal>(
            "SELECT value FROM marts.period_values WHERE unit_code = 'C01' AND category = 'document.formal' AND measure = 'count' AND period_kind = 'month' AND period_start = '2025-03-01'"));
        Assert.Equal(0m, await h.ScalarAsync<decimal>(
            "SELECT value FROM marts.period_values WHERE unit_code = 'C01' AND category = 'document.informal' AND measure = 'count' AND period_kind = 'month' AND period_start = '2025-03-01'"));
        // The published week of 03-03 is restated as a recompute restates it, naming the window.
        var history = await h.QueryAsync<(string Unit, decimal? Value, decimal? NewValue)>("""
            SELECT unit_code, value, new_value FROM marts.period_values_history
            WHERE category = 'document.formal' AND measure = 'count' AND period_kind = 'week' AND period_start = '2025-03-03'
            ORDER BY unit_code
            """);
        Assert.Contains(("V01", 2m, 3m), history);
        Assert.Contains(("C01", 2m, 3m), history);

        // And the marts read exactly what a recompute of every day from facts gives.
        const string columns = "unit_code, category, measure, period_kind, period_start, value, level_sum, covered_days, expected_days";
        var incremental = await h.SnapshotAsync("marts.period_values", columns);
        var range = Assert.Single(await h.QueryAsync<(DateOnly From, DateOnly To)>("SELECT min(day), max(day) FROM ops.coverage"));
        await h.ScalarAsync<object>("""
            TRUNCATE marts.period_sums, marts.period_coverage;
            SELECT marts.refresh_periods(@from, @to, ARRAY(SELECT category FROM ref.categories));
            """, new { from = new DateOnly(range.From.Year, 1, 1), to = new DateOnly(range.To.Year, 12, 31) });
        Assert.Equal(await h.SnapshotAsync("marts.period_values", columns), incremental);
    }

    [Fact]
    public async Task RunOnce_WhenTheRefreshFails_KeepsTheLoadsAndTheQueue_AndTheNextRunCatchesUp()
    {
        await using var h = await CreateLoadedAsync("queue_fail");
        // A warehouse where the refresh cannot run (as if a migration were missing or broken).
        await h.ScalarAsync<object>("ALTER FUNCTION marts.refresh_queued() RENAME TO refresh_queued_away");

        var failure = await Assert.ThrowsAsync<IndicatorRefreshException>(() => h.RunOnceAsync());

        Assert.Contains("the loads of this run committed, but the indicator refresh failed", failure.Message);
        Assert.Contains("ops.indicator_refresh_queue", failure.Message);
        Assert.Equal(2m, await h.FactAsync("documents", "V01", "document.formal", "count", new DateOnly(2025, 3, 3)));
        var queued = await h.ScalarAsync<long>("SELECT count(*) FROM ops.indicator_refresh_queue");
        Assert.Equal(await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows WHERE status = 'succeeded'"), queued);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM marts.period_values"));

        await h.ScalarAsync<object>("ALTER FUNCTION marts.refresh_queued_away() RENAME TO refresh_queued");
        await h.RunOnceAsync();

        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.indicator_refresh_queue"));
        Assert.Equal(2m, await h.ScalarAsync<decimal>(
            "SELECT value FROM marts.period_values WHERE unit_code = 'C01' AND category = 'document.formal' AND measure = 'count' AND period_kind = 'month' AND period_start = '2025-03-01'"));
    }

    /// <summary>A harness whose sources hold a few documents and forms in early March 2025.</summary>
    private static async Task<PipelineHarness> CreateLoadedAsync(string name)
    {
        var h = await PipelineHarness.CreateAsync(name);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
                ('V01', 'RED', '2025-03-03 01:00:00+00', 2), ('V01', 'RED', '2025-03-03 05:00:00+00', 4),
                ('V02', 'WHITE', '2025-03-04 03:00:00+00', 1);
            """);
        await h.ExecuteSqliteAsync("""
            INSERT INTO forms (unit_code, form_code, submitted_at, fields) VALUES ('T02', 'F1', '2025-03-05T10:00:00+08:00', 12);
            """);
        return h;
    }
}
