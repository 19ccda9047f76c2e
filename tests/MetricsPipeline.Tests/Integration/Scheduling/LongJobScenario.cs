using System.Diagnostics;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Scheduling;

/// <summary>
/// One PostgreSQL source on a two-second cron whose first scheduled run is long (fifteen monthly chunks
/// per stream), so a test can stop the worker while that run is loading windows. Short cluster check-ins, so a
/// dead node is noticed within seconds.
/// </summary>
public sealed class LongJobScenario : IAsyncDisposable
{
    private readonly PipelineHarness _harness;

    private LongJobScenario(PipelineHarness harness, string config)
    {
        _harness = harness;
        Config = config;
    }

    public string Config { get; }

    public string Warehouse => _harness.Warehouse;

    public static async Task<LongJobScenario> CreateAsync(string name)
    {
        var h = await PipelineHarness.CreateAsync(name);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages)
            SELECT (ARRAY['T01','T02','V01','V02'])[1 + i % 4], (ARRAY['RED','WHITE'])[1 + i % 2],
                   timestamptz '2025-08-20 00:00+08' + i * interval '26 minutes', i % 9
            FROM generate_series(0, 25000) AS i;
            INSERT INTO oa.meetings (unit_code, mode, started_at, minutes, attendees)
            SELECT (ARRAY['T01','T02','V01'])[1 + i % 3], (ARRAY['OFFLINE','ONLINE'])[1 + i % 2],
                   timestamp '2025-08-20 08:00' + i * interval '81 minutes', 30 + i % 90, 2 + i % 30
            FROM generate_series(0, 8000) AS i;
            """);
        h.Options.History.From = new DateOnly(2025, 9, 1);
        h.Options.Sources.RemoveAt(1);
        h.Options.Sources[0].Schedule = "0/2 * * * * ?";
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new
        {
            Scheduler = new { CheckinInterval = "00:00:01", MaxConcurrentSources = 2 },
            Host = new { ShutdownTimeout = "00:00:30" },
            Metrics = new { Enabled = false }, // two workers may overlap on the metrics port while the first one exits
            Logging = new { LogLevel = new { Default = "Warning", MetricsPipeline = "Information" } },
        });
        return new LongJobScenario(h, config);
    }

    public sealed record RunRow(long RunId, DateTime ScheduledFireTime);

    /// <summary>Waits until a scheduled run is in progress with at least two windows committed and more to come.</summary>
    public async Task<RunRow> WaitForRunningScheduledRunAsync(RunningWorker worker)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60) && !worker.HasExited)
        {
            var rows = await _harness.QueryAsync<RunRow>("""
                SELECT r.run_id AS RunId, r.scheduled_fire_time AS ScheduledFireTime FROM ops.runs r
                WHERE r.status = 'running' AND r.trigger = 'schedule'
                  AND (SELECT count(*) FROM ops.windows w WHERE w.run_id = r.run_id AND w.status = 'succeeded') >= 2
                """);
            if (rows.Count == 1)
                return rows[0];
            await Task.Delay(20);
        }
        throw new TimeoutException($"no scheduled run got going within 60 s:\n{worker.Output}");
    }

    /// <summary>Waits for a succeeded scheduled run of the given cron slot and returns its id.</summary>
    public async Task<long> WaitForSucceededRunOfSlotAsync(DateTime scheduledFireTime, RunningWorker worker, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout && !worker.HasExited)
        {
            var ids = await _harness.QueryAsync<long>(
                "SELECT run_id FROM ops.runs WHERE status = 'succeeded' AND trigger = 'schedule' AND scheduled_fire_time = @scheduledFireTime",
                new { scheduledFireTime });
            if (ids.Count > 0)
                return Assert.Single(ids);
            await Task.Delay(100);
        }
        throw new TimeoutException($"the firing scheduled for {scheduledFireTime:O} did not run to success within {timeout}:\n{worker.Output}");
    }

    public Task<T> ScalarAsync<T>(string sql, object? parameters = null) => _harness.ScalarAsync<T>(sql, parameters);

    public Task<List<T>> QueryAsync<T>(string sql, object? parameters = null) => _harness.QueryAsync<T>(sql, parameters);

    /// <summary>
    /// Nothing half-written: no run still marked running once every worker has stopped, every covered day
    /// and fact belongs to a succeeded window, and each succeeded window covers all of its days unless a
    /// later window took a day over.
    /// </summary>
    public async Task AssertLedgerConsistentAsync()
    {
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE status = 'running'"));
        Assert.Equal(0, await ScalarAsync<long>("""
            SELECT count(*) FROM ops.coverage c LEFT JOIN ops.windows w USING (window_id)
            WHERE w.status IS DISTINCT FROM 'succeeded' OR c.day NOT BETWEEN w.day_from AND w.day_to
            """));
        Assert.Equal(0, await ScalarAsync<long>(
            "SELECT count(*) FROM facts.daily f LEFT JOIN ops.windows w USING (window_id) WHERE w.status IS DISTINCT FROM 'succeeded'"));
        Assert.Equal(0, await ScalarAsync<long>("""
            SELECT count(*) FROM ops.windows w CROSS JOIN LATERAL generate_series(w.day_from, w.day_to, interval '1 day') AS d(day)
            LEFT JOIN ops.coverage c ON c.source = w.source AND c.stream = w.stream AND c.day = d.day::date
            WHERE w.status = 'succeeded' AND c.window_id IS NULL
            """));
        // Facts only on covered days: an uncovered day must stay unknown, not half-loaded.
        Assert.Equal(0, await ScalarAsync<long>("""
            SELECT count(*) FROM facts.daily f
            WHERE NOT EXISTS (SELECT 1 FROM ops.coverage c WHERE c.source = f.source AND c.stream = f.stream AND c.day = f.day)
            """));
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();
}
