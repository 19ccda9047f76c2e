using System.Diagnostics;
using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace MetricsPipeline.Tests.Integration.Scheduling;

/// <summary>
/// Three real serve processes on one warehouse, six sources on a two-second cron: every slot of every source
/// runs exactly once across the cluster, and when one node is SIGKILLed the others take over what it held
/// within a few check-in intervals.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class WorkerClusterTests(ITestOutputHelper output)
{
    private const int Sources = 6;
    private const int Nodes = 3;
    private static readonly TimeSpan Checkin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Slot = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ThreeServeNodes_EverySlotRunsExactlyOnceAndAKilledNodesFiringsMoveToTheOthers()
    {
        await using var h = await PipelineHarness.CreateAsync("cluster");
        h.Options = ClusterOptions(h);
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new
        {
            Scheduler = new { CheckinInterval = Checkin, MaxConcurrentSources = 3 },
            Host = new { ShutdownTimeout = "00:00:20" },
            Metrics = new { Enabled = false }, // three nodes on one machine cannot share the metrics port
            Logging = new { LogLevel = new { Default = "Warning" } },
        });

        var nodes = new List<(RunningWorker Worker, string Instance)>();
        try
        {
            var watch = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, Nodes).Select(_ => RunningWorker.Start("serve", "--config", config)).ToList();
            foreach (var worker in workers)
                nodes.Add((worker, await WaitForInstanceAsync(h, worker)));
            output.WriteLine($"{watch.Elapsed.TotalSeconds,5:F1} s  {Nodes} nodes checked in");
            await Task.Delay(TimeSpan.FromSeconds(10));

            // Kill a node while it holds firings (acquired or executing), so the handover has something to hand over.
            var victim = await WaitForNodeHoldingFiringsAsync(h, nodes);
            var victimHeld = await KillAndSnapshotAsync(h, victim);
            Assert.NotEmpty(victimHeld);
            var killedAt = DateTime.UtcNow;
            output.WriteLine($"{watch.Elapsed.TotalSeconds,5:F1} s  killed {victim.Instance}, which held {victimHeld.Count} firing(s): {string.Join(", ", victimHeld)}");

            var released = Stopwatch.StartNew();
            while (await h.ScalarAsync<long>("SELECT count(*) FROM quartz.qrtz_fired_triggers WHERE instance_name = @instance", new { instance = victim.Instance }) > 0)
            {
                Assert.True(released.Elapsed < 6 * Checkin + TimeSpan.FromSeconds(4), $"the dead node's firings were not recovered within {released.Elapsed}");
                await Task.Delay(100);
            }
            output.WriteLine($"{watch.Elapsed.TotalSeconds,5:F1} s  the others recovered its firings after {released.Elapsed.TotalSeconds:F1} s");
            await Task.Delay(TimeSpan.FromSeconds(10));

            foreach (var (worker, _) in nodes.Where(n => n != victim))
                await worker.TerminateAsync();
            foreach (var (worker, instance) in nodes.Where(n => n != victim))
            {
                Assert.True(await worker.WaitForExitAsync(TimeSpan.FromSeconds(25)), $"{instance} did not stop");
                Assert.True(worker.ExitCode == 0, $"{instance} exited with {worker.ExitCode}:\n{worker.Output}");
            }
            output.WriteLine($"{watch.Elapsed.TotalSeconds,5:F1} s  survivors stopped");

            await AssertEverySlotRanExactlyOnceAsync(h);
            // Every firing the dead node held ran to success on another node, and soon: a slot it held is
            // late by at most the time the cluster needs to notice a silent node.
            foreach (var (job, slot) in victimHeld)
            {
                var started = await h.QueryAsync<DateTime>(
                    "SELECT started_at FROM ops.runs WHERE source = @job AND scheduled_fire_time = @slot AND status = 'succeeded'", new { job, slot });
                Assert.True(started.Count == 1, $"{job} slot {slot:O} held by the killed node ran {started.Count} time(s)");
                Assert.True(started[0] - killedAt < 6 * Checkin + TimeSpan.FromSeconds(4), $"{job} slot {slot:O} ran only at {started[0]:O}, {started[0] - killedAt} after the kill");
            }
            Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE status = 'running'"));
        }
        finally
        {
            foreach (var (worker, _) in nodes)
                await worker.DisposeAsync();
        }
    }

    /// <summary>
    /// Per source, the succeeded scheduled runs name every two-second slot from the first to the last exactly
    /// once: a duplicate would mean two nodes ran one fire, a gap a fire nobody ran. A slot may also have
    /// failed attempts (a run killed with its node, one cancelled by a stop) before the run that succeeded.
    /// </summary>
    private async Task AssertEverySlotRanExactlyOnceAsync(PipelineHarness h)
    {
        var runs = await h.QueryAsync<(string Source, DateTime Slot)>(
            "SELECT source, scheduled_fire_time FROM ops.runs WHERE trigger = 'schedule' AND status = 'succeeded' ORDER BY source, scheduled_fire_time");
        Assert.Equal(Sources, runs.Select(r => r.Source).Distinct().Count());
        foreach (var source in runs.GroupBy(r => r.Source))
        {
            var slots = source.Select(r => r.Slot).ToList();
            var duplicates = slots.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, $"{source.Key}: slots run more than once: {string.Join(", ", duplicates.Select(d => d.ToString("HH:mm:ss")))}");
            var expected = (int)((slots[^1] - slots[0]) / Slot) + 1;
            var missing = Enumerable.Range(0, expected).Select(i => slots[0] + i * Slot).Except(slots).ToList();
            Assert.True(missing.Count == 0, $"{source.Key}: slots never run: {string.Join(", ", missing.Select(m => m.ToString("HH:mm:ss")))}");
            // Enough slots to span the kill; how many fit in the test's time depends on the machine's load,
            // so the bound is low: the real checks are the two above (no slot twice, no slot skipped).
            Assert.True(slots.Count >= 4, $"{source.Key}: only {slots.Count} slots ran");
            output.WriteLine($"{source.Key}: {slots.Count} slots {slots[0]:HH:mm:ss}..{slots[^1]:HH:mm:ss}, each once");
        }
    }

    private static async Task<(RunningWorker Worker, string Instance)> WaitForNodeHoldingFiringsAsync(
        PipelineHarness h, List<(RunningWorker Worker, string Instance)> nodes)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            var holders = await h.QueryAsync<string>("SELECT DISTINCT instance_name FROM quartz.qrtz_fired_triggers");
            if (nodes.FirstOrDefault(n => holders.Contains(n.Instance)) is { Worker: not null } holder)
                return holder;
            await Task.Delay(10);
        }
        throw new TimeoutException("no node held a firing within 10 s");
    }

    private static async Task<List<(string Job, DateTime Slot)>> KillAndSnapshotAsync(PipelineHarness h, (RunningWorker Worker, string Instance) victim)
    {
        victim.Worker.Kill();
        await victim.Worker.WaitForExitAsync(TimeSpan.FromSeconds(10));
        // Read after the kill: a dead node changes nothing any more, so this is exactly what it left behind.
        var rows = await h.QueryAsync<(string Job, long SchedTime)>(
            "SELECT trigger_name, sched_time FROM quartz.qrtz_fired_triggers WHERE instance_name = @instance", new { instance = victim.Instance });
        // Quartz.NET stores times as .NET ticks in UTC.
        return rows.Select(r => (r.Job, new DateTime(r.SchedTime, DateTimeKind.Utc))).ToList();
    }

    /// <summary>The node's cluster instance id, host:pid:start, once it has checked in.</summary>
    private static async Task<string> WaitForInstanceAsync(PipelineHarness h, RunningWorker worker)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(40) && !worker.HasExited)
        {
            var instance = (await h.QueryAsync<string>("SELECT instance_name FROM quartz.qrtz_scheduler_state WHERE instance_name LIKE @pattern",
                new { pattern = $"%:{worker.Pid}:%" })).SingleOrDefault();
            if (instance is not null)
                return instance;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the node did not check in to the cluster:\n{worker.Output}");
    }

    /// <summary>Six cheap SQLite sources with a few recent check-ins each, every one on a two-second cron.</summary>
    private static PipelineOptions ClusterOptions(PipelineHarness h)
    {
        var options = h.DefaultOptions();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        options.History.From = today.AddDays(-3);
        options.Sources = Enumerable.Range(1, Sources).Select(i =>
        {
            var path = Path.Combine(h.Directory, $"dept{i}.db");
            using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = """
                    CREATE TABLE checkins (id INTEGER PRIMARY KEY, unit_code TEXT, checked_at TEXT);
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                    INSERT INTO checkins (unit_code, checked_at)
                    SELECT CASE i % 3 WHEN 0 THEN 'T01' WHEN 1 THEN 'V01' ELSE 'V02' END, datetime('now', '-' || (i * 17) || ' minutes', '+8 hours') FROM n;
                    """;
                command.ExecuteNonQuery();
            }
            return new SourceOptions
            {
                Name = $"dept-{i}", Provider = "sqlite", ConnectionString = $"Data Source={path}", Schedule = "0/2 * * * * ?",
                TimeZone = "Asia/Shanghai", LookbackDays = 1,
                Streams = [new StreamOptions { Name = "checkins", Table = "checkins", Timestamp = "checked_at", TimestampKind = "local", Unit = "unit_code", Category = "check_in" }],
            };
        }).ToList();
        return options;
    }
}
