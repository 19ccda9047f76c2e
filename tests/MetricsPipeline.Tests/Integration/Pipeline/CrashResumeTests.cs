using System.Diagnostics;
using MetricsPipeline.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>
/// SIGKILL the real worker at random points, again and again, during a chunked first run (run-once) and
/// during a backfill, restarting it each time: it must end with exactly the warehouse a clean run builds,
/// and a ledger that tells the truth about every killed run.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class CrashResumeTests(ITestOutputHelper output)
{
    private const int KillsPerVerb = 10;
    private const string FactColumns = "source, stream, day, unit_code, category, measure, value";
    private const string QuarantineColumns = "source, stream, day, unit_code, source_code, reason, detail, row_count";

    [Fact]
    public async Task RunOnceAndBackfill_SigkilledOverTwentyTimesAtRandomPoints_EndInTheSameWarehouseAsACleanRun()
    {
        await using var h = await PipelineHarness.CreateAsync("crash");
        await SeedHistoryAsync(h);
        h.Options.History.From = new DateOnly(2025, 1, 1);
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var random = new Random(20251126);

        // Runs still marked running right after each kill: the next run of their source must close every one.
        var orphaned = new HashSet<long>();
        var watch = Stopwatch.StartNew();
        var killed = new List<string>();
        string[][] verbs = [["run-once"], ["backfill", "--from", "2025-01-01", "--to", $"{today:yyyy-MM-dd}"]];
        foreach (var verb in verbs)
        {
            var kills = 0;
            for (var attempt = 0; attempt < 3 * KillsPerVerb && kills < KillsPerVerb; attempt++)
            {
                await using var worker = RunningWorker.Start([.. verb, "--config", config]);
                var point = await WaitForRandomPointAsync(h, worker, random);
                if (worker.HasExited)
                {
                    Assert.True(worker.ExitCode == 0, $"{verb[0]} failed on its own:\n{worker.Output}");
                    continue;
                }
                worker.Kill();
                await worker.WaitForExitAsync(TimeSpan.FromSeconds(10));
                kills++;
                killed.Add($"{verb[0]} {point}");
                await WarehouseSessions.WaitUntilGoneAsync(h.Warehouse, TimeSpan.FromSeconds(10));
                orphaned.UnionWith(await h.QueryAsync<long>("SELECT run_id FROM ops.runs WHERE status = 'running'"));
                output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  killed {verb[0]} {point}");
            }
            Assert.True(kills == KillsPerVerb, $"{verb[0]}: only {kills} kills landed before the worker finished (points: {string.Join("; ", killed)})");
        }

        var (exitCode, finalOutput) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(3), "run-once", "--config", config);
        Assert.True(exitCode == 0, finalOutput);
        output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  final run-once finished");

        var clean = new PipelineHarness
        {
            Warehouse = await TestPostgres.CreateWarehouseAsync("crash_clean"), DepartmentDb = h.DepartmentDb, SqlitePath = h.SqlitePath, Directory = h.Directory,
        };
        var (cleanExit, cleanOutput) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(3), "run-once", "--config",
            WorkerProcess.WriteConfig(h.Directory, clean.Warehouse, h.Options));
        Assert.True(cleanExit == 0, cleanOutput);
        output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  clean run-once finished");

        // Same rows, so no duplicate and no gap: facts, quarantine and covered days all equal the clean run's.
        Assert.Equal(await clean.SnapshotAsync("facts.daily", FactColumns), await h.SnapshotAsync("facts.daily", FactColumns));
        Assert.Equal(await clean.SnapshotAsync("ops.quarantine", QuarantineColumns), await h.SnapshotAsync("ops.quarantine", QuarantineColumns));
        Assert.Equal(await clean.SnapshotAsync("ops.coverage", "source, stream, day"), await h.SnapshotAsync("ops.coverage", "source, stream, day"));

        // The ledger: nothing left running, every killed run closed as abandoned by the next run of its source,
        // every covered day and every fact written by a window that succeeded.
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE status = 'running'"));
        Assert.Equal(orphaned.Order(), await h.QueryAsync<long>("SELECT run_id FROM ops.runs WHERE status = 'failed' AND error LIKE 'abandoned:%' ORDER BY run_id"));
        Assert.Equal(0, await h.ScalarAsync<long>("""
            SELECT count(*) FROM ops.coverage c LEFT JOIN ops.windows w USING (window_id)
            WHERE w.status IS DISTINCT FROM 'succeeded' OR c.day NOT BETWEEN w.day_from AND w.day_to OR w.source <> c.source OR w.stream <> c.stream
            """));
        Assert.Equal(0, await h.ScalarAsync<long>("""
            SELECT count(*) FROM facts.daily f LEFT JOIN ops.windows w USING (window_id) WHERE w.status IS DISTINCT FROM 'succeeded'
            """));
        Assert.Equal(0, await h.ScalarAsync<long>("""
            SELECT count(*) FROM ops.quarantine q LEFT JOIN ops.windows w USING (window_id) WHERE w.status IS DISTINCT FROM 'succeeded'
            """));
        // A succeeded window's books balance; a killed one left no ledger row at all (its transaction never committed).
        Assert.Equal(0, await h.ScalarAsync<long>("""
            SELECT count(*) FROM ops.windows WHERE status = 'succeeded' AND source_rows IS DISTINCT FROM fact_rows + quarantined_rows
            """));
    }

    /// <summary>
    /// Waits for a random point of the run: a random number of committed windows (zero included, which lands
    /// in start-up or reference sync), then a random few milliseconds, which lands inside a window as often
    /// as between two. Returns where it stopped, for the failure message.
    /// </summary>
    private static async Task<string> WaitForRandomPointAsync(PipelineHarness h, RunningWorker worker, Random random)
    {
        var windows = random.Next(0, 7);
        var delay = TimeSpan.FromMilliseconds(windows == 0 ? random.Next(0, 1500) : random.Next(0, 150));
        var before = await SucceededWindowsAsync(h);
        var watch = Stopwatch.StartNew();
        while (!worker.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60) && await SucceededWindowsAsync(h) < before + windows)
            await Task.Delay(5);
        await Task.Delay(delay);
        return $"after {windows} window(s) + {delay.TotalMilliseconds:F0} ms";
    }

    private static Task<long> SucceededWindowsAsync(PipelineHarness h) =>
        h.ScalarAsync<long>("SELECT count(*) FROM ops.windows WHERE status = 'succeeded'");

    /// <summary>
    /// Nearly two years of history at both providers (some 23 monthly chunks per stream, a few rows before
    /// History.From), with rows that quarantine (unknown unit, unmapped code) and deleted rows the Where filters out.
    /// </summary>
    private static async Task SeedHistoryAsync(PipelineHarness h)
    {
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages, deleted)
            SELECT (ARRAY['T01','T02','V01','V02','X9'])[1 + i % 5], (ARRAY['RED','WHITE','GREEN'])[1 + i % 3],
                   timestamptz '2024-12-20 00:00+08' + i * interval '67 minutes', i % 7, i % 50 = 0
            FROM generate_series(0, 15000) AS i;
            INSERT INTO oa.meetings (unit_code, mode, started_at, minutes, attendees)
            SELECT (ARRAY['T01','T02','V01'])[1 + i % 3], (ARRAY['OFFLINE','ONLINE'])[1 + i % 2],
                   timestamp '2024-12-20 08:00' + i * interval '200 minutes', 30 + i % 90, 2 + i % 30
            FROM generate_series(0, 5000) AS i;
            """);
        await h.ExecuteSqliteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
            INSERT INTO forms (unit_code, form_code, submitted_at, fields)
            SELECT CASE i % 4 WHEN 0 THEN 'T01' WHEN 1 THEN 'V01' WHEN 2 THEN 'V02' ELSE 'Z7' END, CASE i % 3 WHEN 0 THEN 'F1' WHEN 1 THEN 'F2' ELSE 'F9' END,
                   strftime('%Y-%m-%dT%H:%M:%S+08:00', '2024-12-20 09:00:00', '+' || (i * 165) || ' minutes'), i % 12
            FROM n;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
            INSERT INTO checkins (unit_code, kind, checked_at)
            SELECT CASE i % 3 WHEN 0 THEN 'T02' WHEN 1 THEN 'V01' ELSE 'V02' END, 'gps', datetime('2024-12-20 07:30:00', '+' || (i * 165) || ' minutes')
            FROM n;
            """);
    }
}
