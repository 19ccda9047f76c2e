using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

public sealed class WindowReplaceTests
{
    private static async Task SeedAsync(PipelineHarness h)
    {
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages)
            SELECT (ARRAY['T01','T02','V01','V02'])[1 + i % 4], (ARRAY['RED','WHITE'])[1 + i % 2],
                   timestamptz '2025-01-01 00:00:00+08' + (i * interval '97 minutes'), 1 + i % 9
            FROM generate_series(0, 999) AS i;
            INSERT INTO oa.meetings (unit_code, mode, started_at, minutes, attendees)
            SELECT (ARRAY['T01','T02','V01'])[1 + i % 3], (ARRAY['OFFLINE','ONLINE'])[1 + i % 2],
                   timestamp '2025-01-01 08:00' + (i * interval '5 hours'), 30 + i % 60, 3 + i % 20
            FROM generate_series(0, 299) AS i;
            """);
        await h.ExecuteSqliteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 399)
            INSERT INTO checkins (unit_code, kind, checked_at)
            SELECT CASE i % 2 WHEN 0 THEN 'V01' ELSE 'V02' END, 'CHECKIN', strftime('%Y-%m-%d %H:%M:%S', '2025-01-01 07:00:00', '+' || (i * 4) || ' hours') FROM n;
            """);
    }

    [Fact]
    public async Task RunOnce_SameWindowTwice_ChangesNothing()
    {
        await using var h = await PipelineHarness.CreateAsync("replace_twice");
        await SeedAsync(h);

        var first = await h.RunOnceAsync();
        Assert.All(first, r => Assert.True(r.Succeeded, r.Error));
        var facts = await h.SnapshotAsync("facts.daily");
        var quarantine = await h.SnapshotAsync("ops.quarantine");
        var coveredDays = await h.SnapshotAsync("ops.coverage", "source, stream, day");
        var marts = await h.SnapshotAsync("marts.period_values", "unit_code, category, measure, period_kind, period_start, value");

        // The second run re-pulls the last week (lookback) and a full re-pull of every day changes nothing either.
        h.Options.Sources.ForEach(s => s.LookbackDays = 366);
        var second = await h.RunOnceAsync();
        Assert.All(second, r => Assert.True(r.Succeeded, r.Error));

        Assert.NotEmpty(facts);
        Assert.Equal(facts, await h.SnapshotAsync("facts.daily"));
        Assert.Equal(quarantine, await h.SnapshotAsync("ops.quarantine"));
        Assert.Equal(coveredDays, await h.SnapshotAsync("ops.coverage", "source, stream, day"));
        Assert.Equal(marts, await h.SnapshotAsync("marts.period_values", "unit_code, category, measure, period_kind, period_start, value"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT coalesce(sum(facts_written + facts_deleted), 0) FROM ops.windows WHERE run_id > (SELECT min(run_id) + 1 FROM ops.runs)"));
    }

    [Fact]
    public async Task RunOnce_LateRowAndDeletedRow_AppearAfterTheNextRun()
    {
        await using var h = await PipelineHarness.CreateAsync("replace_late");
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (id, unit_code, doc_kind, issued_at, pages) VALUES
              (1, 'T01', 'RED', '2025-03-05 02:00:00+00', 2),
              (2, 'T01', 'RED', '2025-03-05 03:00:00+00', 3),
              (3, 'T02', 'WHITE', '2025-03-06 03:00:00+00', 1)
            """);
        await h.RunOnceAsync("county-oa");
        var day5 = new DateOnly(2025, 3, 5);
        var day6 = new DateOnly(2025, 3, 6);
        Assert.Equal(2, await h.FactAsync("documents", "T01", "document.formal", "count", day5));

        // A clerk back-fills a row on the 5th, one row is hard-deleted, another soft-deleted, a day later.
        h.Clock.Advance(TimeSpan.FromDays(1));
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (id, unit_code, doc_kind, issued_at, pages) VALUES (4, 'T01', 'RED', '2025-03-05 04:00:00+00', 10);
            DELETE FROM oa.documents WHERE id = 1;
            UPDATE oa.documents SET deleted = true WHERE id = 3;
            """);
        await h.RunOnceAsync("county-oa");

        Assert.Equal(2, await h.FactAsync("documents", "T01", "document.formal", "count", day5));
        Assert.Equal(13, await h.FactAsync("documents", "T01", "document.formal", "pages", day5));
        Assert.Null(await h.FactAsync("documents", "T02", "document.informal", "count", day6));
        Assert.True(await h.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM ops.coverage WHERE stream = 'documents' AND day = '2025-03-11')"));
    }

    [Fact]
    public async Task RunOnce_Ledger_FactsPlusQuarantineEqualSourceRows()
    {
        await using var h = await PipelineHarness.CreateAsync("replace_reconcile");
        await SeedAsync(h);
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('X9', 'RED', '2025-02-01 00:00+00', 1), (NULL, 'GREEN', '2025-02-01 00:00+00', NULL)");

        await h.RunOnceAsync();

        var windows = await h.QueryAsync<(string Stream, long SourceRows, long FactRows, long Quarantined)>(
            "SELECT stream, source_rows, fact_rows, quarantined_rows FROM ops.windows WHERE status = 'succeeded'");
        Assert.Equal(3 * 4, windows.Count); // Jan, Feb, Mar 1-10 for four streams
        Assert.All(windows, w => Assert.Equal(w.SourceRows, w.FactRows + w.Quarantined));
        Assert.Equal(1002, windows.Where(w => w.Stream == "documents").Sum(w => w.SourceRows));
        Assert.Equal(1000, await h.ScalarAsync<long>("SELECT sum(value) FROM facts.daily WHERE stream = 'documents' AND measure = 'count'"));
        Assert.Equal(2, await h.ScalarAsync<long>("SELECT sum(row_count) FROM ops.quarantine WHERE stream = 'documents'"));
    }

    [Fact]
    public async Task RunOnce_ReconciliationMismatch_FailsLoudlyAndKeepsThePreviousData()
    {
        await using var h = await PipelineHarness.CreateAsync("replace_mismatch");
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', '2025-03-05 02:00+00', 1)");
        await h.RunOnceAsync("county-oa");
        var factsBefore = await h.SnapshotAsync("facts.daily");
        var coverageBefore = await h.SnapshotAsync("ops.coverage", "source, stream, day, window_id, pulled_at");

        // A view that lets the count see rows the aggregation does not: the totals cannot agree.
        await h.ExecuteSourceAsync("CREATE VIEW oa.documents_racy AS SELECT * FROM oa.documents WHERE current_query() LIKE 'SELECT count(*)%'");
        h.Options.Sources[0].Streams[0].Table = "oa.documents_racy";
        h.Clock.Advance(TimeSpan.FromHours(1));
        var result = Assert.Single(await h.RunOnceAsync("county-oa"));

        Assert.False(result.Succeeded);
        Assert.Contains("reconciliation failed", result.Error);
        Assert.Contains("source holds 1 rows", result.Error);
        Assert.Equal(factsBefore, await h.SnapshotAsync("facts.daily"));
        var coverageAfter = await h.SnapshotAsync("ops.coverage", "source, stream, day, window_id, pulled_at");
        Assert.Equal(coverageBefore.Where(c => c.Contains("documents")), coverageAfter.Where(c => c.Contains("documents")));
        var failed = await h.QueryAsync<(long SourceRows, long FactRows, string Error)>(
            "SELECT source_rows, fact_rows, error FROM ops.windows WHERE status = 'failed'");
        var window = Assert.Single(failed);
        Assert.Equal(1, window.SourceRows);
        Assert.Equal(0, window.FactRows);
    }

    [Fact]
    public async Task RunOnce_SourceDown_FailsThatSourceOnly_AndLeavesItsDataAsItWas()
    {
        await using var h = await PipelineHarness.CreateAsync("replace_down");
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', '2025-03-05 02:00+00', 1)");
        await h.ExecuteSqliteAsync("INSERT INTO checkins (unit_code, kind, checked_at) VALUES ('V01', 'CHECKIN', '2025-03-05 09:00:00')");
        await h.RunOnceAsync();
        var coverageBefore = await h.SnapshotAsync("ops.coverage", "source, stream, day");

        await h.ExecuteSourceAsync("ALTER TABLE oa.documents RENAME TO documents_v2");
        h.Clock.Advance(TimeSpan.FromDays(1));
        var results = await h.RunOnceAsync();

        var oa = Assert.Single(results, r => r.Source == "county-oa");
        Assert.False(oa.Succeeded);
        Assert.Contains("county-oa/documents", oa.Error);
        Assert.Contains("does not exist", oa.Error);
        Assert.True(Assert.Single(results, r => r.Source == "grid-app").Succeeded);
        Assert.True(oa.Streams.Single(s => s.Stream == "meetings").Error is null); // the source's other stream still ran
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.formal", "count", new DateOnly(2025, 3, 5)));
        var coverageAfter = await h.SnapshotAsync("ops.coverage", "source, stream, day");
        Assert.Equal(coverageBefore.Where(c => c.Contains("documents")), coverageAfter.Where(c => c.Contains("documents")));
        Assert.Contains(coverageAfter, c => c.Contains("checkins") && c.Contains("2025-03-11"));
    }
}
