using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Observability;

public sealed class SourceFreshnessTests
{
    [Fact]
    public async Task SourceFreshness_FreshSourceNeverPulledSourceAndAgedSource_AreFlaggedInTheViewAndInStatus()
    {
        await using var h = await PipelineHarness.CreateAsync("freshness");
        h.Clock.SetUtcNow(DateTimeOffset.UtcNow); // the view measures against the warehouse's now()
        h.Options.History.From = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-5);
        h.Options.Sources[0].ExpectedFreshness = TimeSpan.FromHours(6);
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', now() - interval '1 day', 3)");

        // Only county-oa runs; grid-app reaches ref.sources through the reference sync but is never pulled.
        Assert.True(Assert.Single(await h.RunOnceAsync("county-oa")).Succeeded);
        await using var warehouse = NpgsqlDataSource.Create(h.Warehouse);
        var queries = new SourceHealthQueries(warehouse);

        var sources = (await queries.SourcesAsync(CancellationToken.None)).ToDictionary(s => s.Source);
        var oa = sources["county-oa"];
        Assert.False(oa.Stale);
        Assert.False(oa.NeverPulled);
        Assert.Equal(TimeSpan.FromHours(6), oa.ExpectedFreshness);
        Assert.InRange(oa.Lag!.Value, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Assert.NotNull(oa.LastSuccessAt);
        Assert.Equal("closed", oa.BreakerState);
        var grid = sources["grid-app"];
        Assert.True(grid.Stale);
        Assert.True(grid.NeverPulled);
        Assert.Null(grid.DataAsOf);
        Assert.Null(grid.LastRunStatus);
        Assert.Equal(TimeSpan.FromDays(2), grid.ExpectedFreshness);

        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        var (exitCode, status) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "status", "--config", config);
        Assert.True(exitCode == 0, status);
        Assert.Contains(status.Split('\n'), l => l.Contains("county-oa") && l.Contains("新鲜") && !l.Contains("过期"));
        Assert.Contains(status.Split('\n'), l => l.Contains("grid-app") && l.Contains("过期") && l.Contains("从未拉取"));

        // No pull for 7 hours: older than the 6 hours county-oa may be.
        Assert.True(await h.ScalarAsync<long>(
            "WITH aged AS (UPDATE ops.coverage SET pulled_at = now() - interval '7 hours' WHERE source = 'county-oa' RETURNING 1) SELECT count(*) FROM aged") > 0);
        oa = (await queries.SourcesAsync(CancellationToken.None)).Single(s => s.Source == "county-oa");
        Assert.True(oa.Stale);
        Assert.InRange(oa.Lag!.Value, TimeSpan.FromHours(7), TimeSpan.FromHours(7.1));
        // The same table in English (Pipeline:Language en).
        h.Options.Language = DisplayLanguage.English;
        config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        (exitCode, status) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "status", "--config", config);
        Assert.True(exitCode == 0, status);
        Assert.Contains(status.Split('\n'), l => l.Contains("county-oa") && l.Contains("STALE"));
        Assert.Contains(status.Split('\n'), l => l.Contains("grid-app") && l.Contains("STALE") && l.Contains("never pulled"));
    }
}
