using MetricsPipeline.Pipeline;
using MetricsPipeline.Pipeline.Resilience;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Resilience;

public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task DeadSource_BreakerOpensAfterItsMinimumThroughput_ThenWindowsFailAtOnceAndTheRunRecordsOpen()
    {
        await using var h = await PipelineHarness.CreateAsync("breaker");
        h.Options.Sources.RemoveAt(1);
        var source = h.Options.Sources[0];
        // Nothing listens on this port: every connection is refused (a transient error).
        source.ConnectionString = $"Host=127.0.0.1;Port={ThrowawayPostgres.FreePort()};Username=reader;Database=dept";
        source.Resilience.MaxRetries = 1;
        source.Resilience.RetryDelay = TimeSpan.Zero;
        source.Resilience.BreakerMinimumThroughput = 2;
        source.Resilience.BreakerDuration = TimeSpan.FromMinutes(1);

        await using var services = h.BuildServices();
        using var metrics = new MetricRecorder(services);
        var runner = services.GetRequiredService<PipelineRunner>();
        var result = Assert.Single(await runner.RunAsync(RunRequest.RunOnce, null, null, CancellationToken.None));

        // documents: two refused attempts fill the breaker's sample and open it.
        var documents = result.Streams.Single(s => s.Stream == "documents").Error;
        Assert.Contains("Failed to connect", documents);
        Assert.Contains("(after 2 attempts)", documents);
        // meetings: not attempted at all.
        var meetings = result.Streams.Single(s => s.Stream == "meetings").Error;
        Assert.Contains("the circuit breaker of source 'county-oa' is open", meetings);
        Assert.DoesNotContain("attempts)", meetings);
        Assert.Equal(1, metrics.Total("metrics_pipeline.window.retries"));
        Assert.Equal(BreakerState.Open, services.GetRequiredService<SourcePipelines>().StateOf("county-oa"));

        // The breaker state reaches the ledger and the operations view.
        Assert.Equal("open", await h.ScalarAsync<string>("SELECT breaker_state FROM ops.runs WHERE run_id = @runId", new { runId = result.RunId }));
        await using var warehouse = NpgsqlDataSource.Create(h.Warehouse);
        var health = (await new SourceHealthQueries(warehouse).SourcesAsync(CancellationToken.None)).Single(s => s.Source == "county-oa");
        Assert.Equal("open", health.BreakerState);
        Assert.Equal("failed", health.LastRunStatus);

        // The next run in the same process fails both streams at once while the breaker is open.
        var again = Assert.Single(await runner.RunAsync(RunRequest.RunOnce, null, null, CancellationToken.None));
        Assert.All(again.Streams, s => Assert.Contains("circuit breaker", s.Error));
        Assert.Equal(1, metrics.Total("metrics_pipeline.window.retries"));
    }
}
