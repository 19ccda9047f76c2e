using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

public sealed class QuarantineTests
{
    private async Task<List<(string Stream, string Reason, string? Detail, long Rows)>> QuarantineAsync(PipelineHarness h) =>
        await h.QueryAsync<(string, string, string?, long)>(
            "SELECT stream, reason, detail, sum(row_count)::bigint FROM ops.quarantine GROUP BY stream, reason, detail ORDER BY 1, 2, 3");

    [Fact]
    public async Task RunOnce_EveryReason_IsQuarantinedWithItsCount_AndReconciles()
    {
        await using var h = await PipelineHarness.CreateAsync("quarantine_all");
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
              ('T01', 'RED',   '2025-03-02 02:00+00', 5),    -- good
              (NULL,  'RED',   '2025-03-02 02:00+00', 5),    -- null_unit
              ('X999','RED',   '2025-03-02 02:00+00', 5),    -- unknown_unit
              ('X999','RED',   '2025-03-03 02:00+00', 5),    -- unknown_unit, another day
              ('T01', 'GREEN', '2025-03-02 02:00+00', 5),    -- unmapped_code
              ('T01', 'RED',   '2025-03-02 02:00+00', NULL), -- null_measure:pages
              ('T01', 'RED',   '2025-03-02 02:00+00', -3),   -- negative_measure:pages
              ('T01', 'RED',   '2025-03-12 02:00+00', 1),    -- future_timestamp (now is 2025-03-10 04:00Z)
              ('T01', 'RED',   NULL, 1),                     -- missing_timestamp
              ('T01', 'RED',   '2024-12-31 15:00+00', 1),    -- before_history_start (History.From 2025-01-01 Beijing)
              ('T01', 'RED',   '2023-06-01 00:00+00', 1)     -- before_history_start, collapsed with the previous
            """);
        await h.ExecuteSqliteAsync("""
            INSERT INTO forms (unit_code, form_code, submitted_at, fields) VALUES
              ('V01', 'F1', 'last tuesday', 3),             -- unparsable_timestamp
              ('V01', 'F1', '2025-03-02 10:00:00', 3),      -- offset stream without an offset: unparsable
              ('V01', 'F1', '2025-03-02T10:00:00+08:00', 3)  -- good
            """);

        var results = await h.RunOnceAsync();
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));

        Assert.Equal(
        [
            ("documents", "before_history_start", null, 2L),
            ("documents", "future_timestamp", null, 1L),
            ("documents", "missing_timestamp", null, 1L),
            ("documents", "negative_measure", "pages", 1L),
            ("documents", "null_measure", "pages", 1L),
            ("documents", "null_unit", null, 1L),
            ("documents", "unknown_unit", null, 2L),
            ("documents", "unmapped_code", null, 1L),
            ("forms", "unparsable_timestamp", null, 2L),
        ], await QuarantineAsync(h));
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.formal", "count", new DateOnly(2025, 3, 2)));
        Assert.Equal(1, await h.FactAsync("forms", "V01", "report_form", "count", new DateOnly(2025, 3, 2)));
        var totals = await h.QueryAsync<(long Source, long Facts, long Quarantined)>(
            "SELECT sum(source_rows)::bigint, sum(fact_rows)::bigint, sum(quarantined_rows)::bigint FROM ops.windows WHERE stream IN ('documents', 'forms')");
        Assert.Equal((14L, 2L, 12L), Assert.Single(totals));
        Assert.Equal(2, await h.ScalarAsync<long>("SELECT count(*) FROM ops.quarantine WHERE reason = 'unknown_unit' AND unit_code = 'X999'"));
    }

    [Fact]
    public async Task RunOnce_MappingAndUnitAddedLater_ReleasesTheQuarantinedRows()
    {
        await using var h = await PipelineHarness.CreateAsync("quarantine_release");
        h.WriteOrgUnits(["C01", "T01", "V01"]);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
              ('T01', 'GREEN', '2025-03-05 02:00+00', 4),
              ('T02', 'RED',   '2025-03-05 02:00+00', 2)
            """);
        await h.RunOnceAsync("county-oa");
        Assert.Equal(2, await h.ScalarAsync<long>("SELECT count(*) FROM ops.quarantine"));

        // The operator maps GREEN and the org file gains T02; the next run of the window picks the rows up.
        h.Options.Sources[0].Streams[0].Categories["GREEN"] = "document.informal";
        h.WriteOrgUnits(["C01", "T01", "T02", "V01"]);
        h.Clock.Advance(TimeSpan.FromHours(1));
        await h.RunOnceAsync("county-oa");

        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.quarantine"));
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.informal", "count", new DateOnly(2025, 3, 5)));
        Assert.Equal(2, await h.FactAsync("documents", "T02", "document.formal", "pages", new DateOnly(2025, 3, 5)));
    }

    [Fact]
    public async Task RunOnce_FutureRow_BecomesAFactOnceItsTimeHasCome()
    {
        await using var h = await PipelineHarness.CreateAsync("quarantine_future");
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', '2025-03-11 02:00+00', 4)");
        await h.RunOnceAsync("county-oa");
        Assert.Equal("future_timestamp", await h.ScalarAsync<string>("SELECT reason FROM ops.quarantine"));

        h.Clock.Advance(TimeSpan.FromDays(2));
        await h.RunOnceAsync("county-oa");

        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.quarantine"));
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.formal", "count", new DateOnly(2025, 3, 11)));
    }

    [Fact]
    public async Task RunOnce_UnitRemovedFromOrgFile_IsKeptInactiveWithItsFacts()
    {
        await using var h = await PipelineHarness.CreateAsync("quarantine_inactive");
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('V02', 'RED', '2025-03-05 02:00+00', 4)");
        await h.RunOnceAsync("county-oa");

        h.WriteOrgUnits(["C01", "T01", "T02", "V01"]); // V02 merged away
        h.Clock.Advance(TimeSpan.FromHours(1));
        await h.RunOnceAsync("county-oa");

        var unit = Assert.Single(await h.QueryAsync<(bool Active, DateTime? DeactivatedAt)>("SELECT active, deactivated_at FROM ref.units WHERE code = 'V02'"));
        Assert.False(unit.Active);
        Assert.NotNull(unit.DeactivatedAt);
        Assert.Equal(1, await h.FactAsync("documents", "V02", "document.formal", "count", new DateOnly(2025, 3, 5)));
    }
}
