using System.Diagnostics;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>SIGKILL the real worker during a chunked first run; restarting it must finish the job exactly as a clean run would.</summary>
public sealed class CrashResumeTests
{
    [Fact]
    public async Task RunOnce_KilledDuringChunkedFirstRun_ResumesToTheSameWarehouseAsACleanRun()
    {
        await using var h = await PipelineHarness.CreateAsync("crash");
        // Two years and more of history: some 35 monthly chunks per stream.
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages, deleted)
            SELECT (ARRAY['T01','T02','V01','V02','X9'])[1 + i % 5], (ARRAY['RED','WHITE','GREEN'])[1 + i % 3],
                   timestamptz '2024-01-01 00:00+08' + i * interval '47 minutes', i % 7, i % 50 = 0
            FROM generate_series(0, 30000) AS i;
            INSERT INTO oa.meetings (unit_code, mode, started_at, minutes, attendees)
            SELECT (ARRAY['T01','T02','V01'])[1 + i % 3], (ARRAY['OFFLINE','ONLINE'])[1 + i % 2],
                   timestamp '2024-01-01 08:00' + i * interval '3 hours', 30 + i % 90, 2 + i % 30
            FROM generate_series(0, 8000) AS i;
            """);
        h.Options.History.From = new DateOnly(2024, 1, 1);
        h.Options.Sources.RemoveAt(1); // the PostgreSQL source is enough here
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var kills = 0;
        var random = new Random(20251126);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var before = await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows WHERE status = 'succeeded'");
            using var worker = WorkerProcess.Start("run-once", "--config", config);
            var target = before + 2 + random.Next(6);
            var watch = Stopwatch.StartNew();
            while (!worker.HasExited && watch.Elapsed < TimeSpan.FromSeconds(120)
                   && await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows WHERE status = 'succeeded'") < target)
                await Task.Delay(10);
            if (!worker.HasExited)
            {
                worker.Kill(); // SIGKILL: no cleanup, no rollback request, the connection simply drops
                kills++;
            }
            await worker.WaitForExitAsync();
        }
        Assert.True(kills >= 2, $"the worker finished before it could be killed ({kills} kills)");

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(5), "run-once", "--config", config);
        Assert.True(exitCode == 0, output);

        // A clean run of the same source into a fresh warehouse.
        var clean = await TestPostgres.CreateWarehouseAsync("crash_clean");
        var cleanConfig = WorkerProcess.WriteConfig(h.Directory, clean, h.Options);
        var (cleanExit, cleanOutput) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(5), "run-once", "--config", cleanConfig);
        Assert.True(cleanExit == 0, cleanOutput);

        var cleanHarness = new PipelineHarness { Warehouse = clean, DepartmentDb = h.DepartmentDb, SqlitePath = h.SqlitePath, Directory = h.Directory };
        const string factColumns = "source, stream, day, unit_code, category, measure, value";
        const string quarantineColumns = "source, stream, day, unit_code, source_code, reason, detail, row_count";
        Assert.Equal(await cleanHarness.SnapshotAsync("facts.daily", factColumns), await h.SnapshotAsync("facts.daily", factColumns));
        Assert.Equal(await cleanHarness.SnapshotAsync("ops.quarantine", quarantineColumns), await h.SnapshotAsync("ops.quarantine", quarantineColumns));
        Assert.Equal(await cleanHarness.SnapshotAsync("ops.coverage", "source, stream, day"), await h.SnapshotAsync("ops.coverage", "source, stream, day"));

        // The ledger is consistent: no run left running, every covered day and fact was written by a succeeded window.
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE status = 'running'"));
        Assert.True(await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE error LIKE 'abandoned%'") >= kills);
        Assert.Equal(0, await h.ScalarAsync<long>("""
            SELECT count(*) FROM ops.coverage c LEFT JOIN ops.windows w USING (window_id) WHERE w.status IS DISTINCT FROM 'succeeded'
            """));
        Assert.Equal(0, await h.ScalarAsync<long>("""
            SELECT count(*) FROM facts.daily f LEFT JOIN ops.windows w USING (window_id) WHERE w.status IS DISTINCT FROM 'succeeded'
            """));
    }
}
