using Dapper;
using Npgsql;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// A migrated warehouse that the pipeline has loaded (both providers, facts, quarantine, coverage, a failed
/// window, indicators, restatements, a coverage gap, signals of a county and of a village), for tests that read it as the roles and
/// dashboards do. Built once per test class.
/// </summary>
public sealed class LoadedWarehouse : IAsyncLifetime
{
    /// <summary>The signal the fixture raises for the county C01 (the root of the harness's org tree).</summary>
    public const string CountySignal = "relabelled_documents";

    /// <summary>The signal the fixture raises for the village V01 (C01 > T01 > V01; T02 is a sibling of T01).</summary>
    public const string VillageSignal = "longer_documents";

    public PipelineHarness Harness { get; private set; } = null!;

    public string Warehouse => Harness.Warehouse;

    public async Task InitializeAsync()
    {
        Harness = await PipelineHarness.CreateAsync("loaded");
        // Real clock: the freshness views and dashboards look at now().
        Harness.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        Harness.Options.History.From = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-75);
        await Harness.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages, deleted)
            SELECT (ARRAY['T01','T02','V01','V02','X9'])[1 + i % 5], (ARRAY['RED','WHITE','GREEN'])[1 + i % 3],
                   now() - i * interval '97 minutes', i % 7, i % 50 = 0
            FROM generate_series(0, 1000) AS i;
            INSERT INTO oa.meetings (unit_code, mode, started_at, minutes, attendees)
            SELECT (ARRAY['T01','T02','V01'])[1 + i % 3], (ARRAY['OFFLINE','ONLINE'])[1 + i % 2],
                   (now() AT TIME ZONE 'Asia/Shanghai') - i * interval '5 hours', 30 + i % 90, 2 + i % 30
            FROM generate_series(0, 300) AS i;
            """);
        await Harness.ExecuteSqliteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO checkins (unit_code, kind, checked_at)
            SELECT CASE i % 3 WHEN 0 THEN 'T02' WHEN 1 THEN 'V01' ELSE 'V02' END, 'gps', datetime('now', '+8 hours', '-' || (i * 6) || ' hours') FROM n;
            """);
        var results = await Harness.RunOnceAsync();
        if (results.Any(r => !r.Succeeded))
            throw new InvalidOperationException("loading the warehouse failed: " + string.Join("; ", results.Select(r => r.Error)));
        // Late documents for a day 40 days ago (always in an ended week and month: only ended periods are
        // published), entered after the first load; a backfill of that day re-pulls it and the refresh replaces
        // the published values, so marts.restatements has rows (as a department's late entries would).
        var lateDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-40);
        await Harness.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages, deleted)
            SELECT (ARRAY['T01','V01'])[1 + i % 2], 'RED', @day::timestamp AT TIME ZONE 'UTC' + interval '2 hours' + i * interval '3 minutes', 3, false
            FROM generate_series(0, 40) AS i;
            """, new { day = lateDay.ToDateTime(TimeOnly.MinValue) });
        results = await Harness.BackfillAsync(lateDay, lateDay, "county-oa");
        if (results.Any(r => !r.Succeeded))
            throw new InvalidOperationException("re-pulling the late documents failed: " + string.Join("; ", results.Select(r => r.Error)));
        // One failing stream, so failed windows and a failed run are in the ledger too.
        await Harness.ExecuteSqliteAsync("DROP TABLE forms");
        await Harness.RunOnceAsync("grid-app");
        await using var connection = new NpgsqlConnection(Warehouse);
        // A day whose pull was lost (as after a restore of ops from an older backup): a gap in marts.coverage_gaps.
        await connection.ExecuteAsync("DELETE FROM ops.coverage WHERE source = 'county-oa' AND stream = 'meetings' AND day = current_date - 20");
        // Signals need years of history (a base year, a campaign, a rebound); two as marts.refresh_signals writes
        // them, on the last ended quarter, with their evidence: one of the county C01, one of its village V01
        // (below township T01; T02 is T01's sibling), so the dashboards' subtree filter has something to tell apart.
        await connection.ExecuteAsync("""
            WITH q AS (SELECT (date_trunc('quarter', current_date) - interval '3 months')::date AS q_start),
            s AS (
                INSERT INTO marts.signals (signal, unit_code, category, period_kind, period_start, period_end, started_on, score, summary, summary_zh, computed_at)
                SELECT v.signal, v.unit_code, v.category, 'quarter', q_start, (q_start + interval '3 months' - interval '1 day')::date,
                       q_start, v.score, v.summary, v.summary_zh, now()
                FROM q, (VALUES
                    (@countySignal, 'C01', 'document.formal', 0.8, 'Formal documents down while informal ones rose by about as much; total flat.',
                     '正式文件减少,非正式文件增加大致同样多:总数持平。'),
                    (@villageSignal, 'V01', NULL, 0.6, 'Fewer documents, but each about twice as long; pages flat.',
                     '文件减少,但每件长了约一倍:页数持平。')
                ) AS v(signal, unit_code, category, score, summary, summary_zh)
                RETURNING signal_id, unit_code, period_start)
            INSERT INTO marts.signal_evidence (signal_id, series, before_start, before_value, after_value, change)
            SELECT signal_id, series, (period_start - interval '1 year')::date, before, after, after / before - 1
            FROM s
            JOIN (VALUES ('C01', 'document.formal count', 120.0, 70.0), ('C01', 'document.informal count', 40.0, 88.0),
                         ('V01', 'document count', 30.0, 16.0), ('V01', 'document pages', 90.0, 92.0)) AS e(unit_code, series, before, after)
              USING (unit_code);
            """, new { countySignal = CountySignal, villageSignal = VillageSignal });
    }

    /// <summary>Runs SQL on the warehouse as a member of the role (SET ROLE from the test's superuser).</summary>
    public async Task<string?> TryAsRoleAsync(string role, string sql)
    {
        await using var connection = new NpgsqlConnection(Warehouse);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"SET ROLE {role}");
        try
        {
            await connection.ExecuteAsync(sql);
            return null;
        }
        catch (PostgresException ex)
        {
            return ex.SqlState;
        }
    }

    /// <summary>Runs a query on the warehouse as a member of the role and returns its rows.</summary>
    public async Task<List<T>> AsRoleAsync<T>(string role, string sql)
    {
        await using var connection = new NpgsqlConnection(Warehouse);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"SET ROLE {role}");
        return (await connection.QueryAsync<T>(sql)).ToList();
    }

    public Task DisposeAsync() => Harness.DisposeAsync().AsTask();
}
