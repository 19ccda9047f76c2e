using System.Diagnostics;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Resilience;

/// <summary>
/// The warehouse is a second, private PostgreSQL that the test crashes in the middle of a window (the shared
/// test server stays up). Nothing may be half-written, coverage may not move for a failed window, transient
/// errors are retried and a missing table is not.
/// </summary>
public sealed class WarehouseRestartTests
{
    private const string Retries = "metrics_pipeline.window.retries";
    private const string GroupQueryActive = """
        SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'metrics-pipeline:county-oa' AND state = 'active'
          AND query LIKE 'SELECT unit_code, source_code, day, problem%'
        """;

    [Fact]
    public async Task WarehouseCrashMidWindow_RollsBackRetriesUntilItIsBackAndNeverRetriesAMissingTable()
    {
        await using var h = await PipelineHarness.CreateAsync("wh_restart");
        await using var server = await ThrowawayPostgres.StartAsync();
        var warehouseDb = await server.CreateDatabaseAsync("warehouse");
        await using (var migrating = NpgsqlDataSource.Create(warehouseDb))
            await new WarehouseMigrator(migrating, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        // The department database stays on the shared server. A view with a switchable delay holds a window
        // inside its aggregation query long enough to crash the warehouse under it.
        await h.ExecuteSourceAsync("""
            CREATE TABLE oa.delay (seconds float8 NOT NULL);
            INSERT INTO oa.delay VALUES (0);
            CREATE VIEW oa.slow_documents AS
                SELECT d.* FROM oa.documents d CROSS JOIN LATERAL (SELECT pg_sleep(seconds) FROM oa.delay) s;
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
                ('T01', 'RED', '2025-03-02 02:00+00', 1), ('T02', 'WHITE', '2025-03-03 02:00+00', 1), ('V01', 'RED', '2025-03-04 02:00+00', 1);
            """);
        var options = h.Options;
        options.History.From = new DateOnly(2025, 3, 1);
        options.Sources.RemoveAt(1); // the PostgreSQL source only
        var source = options.Sources[0];
        source.Streams.RemoveAt(1); // documents only
        source.Streams[0].Table = "oa.slow_documents";
        source.QueryTimeout = TimeSpan.FromSeconds(60);
        source.Resilience = new ResilienceOptions
        {
            AttemptTimeout = TimeSpan.FromSeconds(20), MaxRetries = 8, RetryDelay = TimeSpan.FromMilliseconds(200),
            BreakerMinimumThroughput = 100, // this test is about retries; the breaker has its own test
        };
        // Pooled, as in production: connections broken by the crash must be weeded out by the retries too.
        var pooled = new NpgsqlConnectionStringBuilder(warehouseDb) { Pooling = true }.ConnectionString;
        var pipeline = new PipelineHarness { Warehouse = pooled, DepartmentDb = h.DepartmentDb, SqlitePath = h.SqlitePath, Directory = h.Directory, Options = options };
        // The test's own queries do not pool: a pooled connection from before a crash would fail the test, not the pipeline.
        var w = new PipelineHarness { Warehouse = warehouseDb, DepartmentDb = h.DepartmentDb, SqlitePath = h.SqlitePath, Directory = h.Directory, Options = options };

        // 1. A clean run.
        await using (var services = pipeline.BuildServices())
            Assert.True(Assert.Single(await RunAsync(services)).Succeeded);
        Assert.Equal(3, await DocumentsAsync(w));

        // 2. Crash mid-window; the warehouse comes back while the window is still retrying.
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', '2025-03-05 02:00+00', 1), ('T01', 'WHITE', '2025-03-06 02:00+00', 1)");
        await using (var services = pipeline.BuildServices())
        using (var metrics = new MetricRecorder(services))
        {
            var run = await CrashDuringAggregationAsync(h, server, services, bringBack: () => metrics.Total(Retries) >= 2);
            var result = Assert.Single(run);
            Assert.True(result.Succeeded, result.Error);
            Assert.True(metrics.Total(Retries) >= 2, $"expected retries while the warehouse was down, saw {metrics.Total(Retries)}");
            // The crashed attempt's ledger row rolled back with its data: one window row for the run, succeeded, counts balanced.
            var windows = await w.QueryAsync<(string Status, long SourceRows, long FactRows)>(
                "SELECT status, source_rows, fact_rows FROM ops.windows WHERE run_id = @runId", new { runId = result.RunId });
            Assert.Equal(("succeeded", 4L, 4L), Assert.Single(windows)); // lookback window 03-03..03-10 holds 4 of the 5 documents
        }
        Assert.Equal(5, await DocumentsAsync(w));
        Assert.Equal(0, await w.ScalarAsync<long>("SELECT count(*) FROM facts.daily f LEFT JOIN ops.windows w USING (window_id) WHERE w.status IS DISTINCT FROM 'succeeded'"));

        // 3. Crash mid-window and stay down past the retries: the window fails; nothing moved.
        var facts = await w.SnapshotAsync("facts.daily", "day, unit_code, category, measure, value, window_id");
        var coverage = await w.SnapshotAsync("ops.coverage", "day, window_id, pulled_at");
        source.Resilience.MaxRetries = 2;
        source.Resilience.RetryDelay = TimeSpan.FromMilliseconds(50);
        // A breaker that would open after two failed attempts of three: warehouse failures must not count.
        source.Resilience.BreakerMinimumThroughput = 2;
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T02', 'RED', '2025-03-07 02:00+00', 1)");
        await using (var services = pipeline.BuildServices())
        using (var metrics = new MetricRecorder(services))
        {
            var result = Assert.Single(await CrashDuringAggregationAsync(h, server, services, bringBack: null));
            Assert.False(result.Succeeded);
            Assert.Contains("(after 3 attempts)", result.Error);
            Assert.Equal(2, metrics.Total(Retries));
            // The source was fine throughout; its breaker did not open over the warehouse's outage.
            Assert.Equal(MetricsPipeline.Pipeline.Resilience.BreakerState.Closed, services.GetRequiredService<MetricsPipeline.Pipeline.Resilience.SourcePipelines>().StateOf("county-oa"));
        }
        await server.StartAgainAsync();
        Assert.Equal(facts, await w.SnapshotAsync("facts.daily", "day, unit_code, category, measure, value, window_id"));
        Assert.Equal(coverage, await w.SnapshotAsync("ops.coverage", "day, window_id, pulled_at"));

        // 4. The next run succeeds; it closes the run the outage left open.
        await using (var services = pipeline.BuildServices())
            Assert.True(Assert.Single(await RunAsync(services)).Succeeded);
        Assert.Equal(6, await DocumentsAsync(w));
        Assert.Equal(0, await w.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE status = 'running'"));
        Assert.Equal(1, await w.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE error LIKE 'abandoned%'"));

        // 5. A missing table is not transient: one attempt, no retry, the cause named.
        await h.ExecuteSourceAsync("ALTER VIEW oa.slow_documents RENAME TO renamed_documents");
        await using (var services = pipeline.BuildServices())
        using (var metrics = new MetricRecorder(services))
        {
            var result = Assert.Single(await RunAsync(services));
            Assert.False(result.Succeeded);
            Assert.Contains("relation \"oa.slow_documents\" does not exist", result.Error);
            Assert.DoesNotContain("attempts)", result.Error);
            Assert.Equal(0, metrics.Total(Retries));
            Assert.Equal(1, metrics.Total("metrics_pipeline.windows", "outcome", "failed"));
        }
        Assert.Equal(6, await DocumentsAsync(w));
    }

    private static Task<IReadOnlyList<SourceRunResult>> RunAsync(IServiceProvider services) =>
        services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.RunOnce, null, null, CancellationToken.None);

    /// <summary>Runs once, crashing the warehouse while the aggregation runs at the source; restarts it when bringBack says so.</summary>
    private static async Task<IReadOnlyList<SourceRunResult>> CrashDuringAggregationAsync(
        PipelineHarness source, ThrowawayPostgres warehouse, IServiceProvider services, Func<bool>? bringBack)
    {
        await source.ExecuteSourceAsync("UPDATE oa.delay SET seconds = 1.5");
        var run = RunAsync(services);
        var watch = Stopwatch.StartNew();
        while (await SourceScalarAsync(source, GroupQueryActive) == 0)
        {
            Assert.False(run.IsCompleted, "the run finished before its aggregation could be caught");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the aggregation query never showed up at the source");
            await Task.Delay(20);
        }
        await warehouse.CrashAsync(); // the window's warehouse transaction is open: staging rows, its ledger row
        await source.ExecuteSourceAsync("UPDATE oa.delay SET seconds = 0");
        if (bringBack is not null)
        {
            while (!bringBack() && !run.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(20);
            await warehouse.StartAgainAsync();
        }
        return await run.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task<long> SourceScalarAsync(PipelineHarness source, string sql)
    {
        await using var connection = new NpgsqlConnection(source.DepartmentDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static Task<decimal> DocumentsAsync(PipelineHarness w) =>
        w.ScalarAsync<decimal>("SELECT COALESCE(sum(value), 0) FROM facts.daily WHERE stream = 'documents' AND measure = 'count'");
}
