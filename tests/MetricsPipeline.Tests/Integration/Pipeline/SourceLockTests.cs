using Dapper;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>
/// The per-source advisory lock lives in one warehouse session. When that session ends under a running run
/// (a warehouse restart, a terminated backend), the run takes the lock again before its next window, or stops
/// if another run of the source has taken it meanwhile.
/// </summary>
public sealed class SourceLockTests
{
    private const string AdvisoryHolders = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

    [Fact]
    public async Task EnsureHeld_SessionEnded_TakesTheLockAgain_OrReportsTheRunThatHasIt()
    {
        var warehouse = await TestPostgres.CreateDatabaseAsync("source_lock");
        await using var dataSource = NpgsqlDataSource.Create(warehouse);
        await using var admin = new NpgsqlConnection(warehouse);
        await admin.OpenAsync();

        await using var held = await SourceLock.TryAcquireAsync(dataSource, "county-oa", CancellationToken.None);
        Assert.NotNull(held);
        Assert.Equal(SourceLockState.Held, await held.EnsureHeldAsync(CancellationToken.None));
        var first = Assert.Single(await admin.QueryAsync<int>(AdvisoryHolders));

        // The lock's session ends (as in a warehouse restart): the lock is free, and the run takes it again.
        await admin.ExecuteAsync("SELECT pg_terminate_backend(@first)", new { first });
        Assert.Equal(SourceLockState.Held, await held.EnsureHeldAsync(CancellationToken.None));
        var second = Assert.Single(await admin.QueryAsync<int>(AdvisoryHolders));
        Assert.NotEqual(first, second);

        // Ended again, and this time another run of the source is quicker.
        await admin.ExecuteAsync("SELECT pg_terminate_backend(@second)", new { second });
        await using var other = await SourceLock.TryAcquireAsync(dataSource, "county-oa", CancellationToken.None);
        Assert.NotNull(other);
        Assert.Equal(SourceLockState.HeldByAnotherRun, await held.EnsureHeldAsync(CancellationToken.None));
        Assert.Equal(SourceLockState.Held, await other.EnsureHeldAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Run_LosesItsLockToAnotherRunBetweenWindows_StopsBeforeTheNextWindow_KeepingWhatItCommitted()
    {
        await using var h = await PipelineHarness.CreateAsync("source_lock_run");
        h.Options.History.From = new DateOnly(2025, 1, 1); // a first run in month chunks: Jan, Feb, Mar
        h.Options.Sources.RemoveAt(1);
        h.Options.Sources[0].Streams.RemoveAt(1);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
                ('V01', 'RED', '2025-01-10 02:00+00', 1), ('V01', 'RED', '2025-02-10 02:00+00', 1), ('V01', 'RED', '2025-03-03 02:00+00', 1)
            """);
        await using var services = h.BuildServices();
        await using var thief = new NpgsqlConnection(h.Warehouse);
        await thief.OpenAsync();
        var reports = 0;
        // After the first window commits: the run's lock session ends and another session takes the lock.
        var progress = new SynchronousProgress(_ =>
        {
            if (++reports != 1)
                return;
            using var kill = new NpgsqlCommand(AdvisoryHolders.Replace("SELECT pid", "SELECT pg_terminate_backend(pid)"), thief);
            kill.ExecuteNonQuery();
            using var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('metrics-pipeline:source:county-oa', 0))", thief);
            take.ExecuteNonQuery();
        });

        var result = Assert.Single(await services.GetRequiredService<PipelineRunner>().RunAsync(RunRequest.RunOnce, "county-oa", progress, CancellationToken.None));

        Assert.False(result.Succeeded);
        var stream = Assert.Single(result.Streams);
        Assert.Single(stream.Windows); // January only
        Assert.Contains("this run lost the source's lock", stream.Error);
        Assert.Contains("stops before window [2025-02-01..2025-02-28]", stream.Error);
        Assert.Equal(1m, await h.FactAsync("documents", "V01", "document.formal", "count", new DateOnly(2025, 1, 10)));
        Assert.Null(await h.FactAsync("documents", "V01", "document.formal", "count", new DateOnly(2025, 2, 10)));
    }

    private sealed class SynchronousProgress(Action<WindowProgress> report) : IProgress<WindowProgress>
    {
        public void Report(WindowProgress value) => report(value);
    }
}
