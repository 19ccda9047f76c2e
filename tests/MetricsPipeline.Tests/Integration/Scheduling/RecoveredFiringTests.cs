using MetricsPipeline.Pipeline;
using MetricsPipeline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Tests.Integration.Scheduling;

/// <summary>
/// A node can die after its run of a slot finished but before Quartz recorded the firing as done; another node
/// then recovers the firing. The slot must not run twice: the ledger already holds its succeeded run.
/// </summary>
public sealed class RecoveredFiringTests
{
    [Fact]
    public async Task ScheduledRun_OfASlotThatAlreadySucceeded_DoesNotRunAgain_ButAFailedSlotDoes()
    {
        await using var h = await PipelineHarness.CreateAsync("recovered_firing");
        h.Options.Sources.RemoveAt(1);
        await using var services = h.BuildServices();
        var runner = services.GetRequiredService<PipelineRunner>();
        var slot = new DateTimeOffset(2025, 3, 10, 3, 59, 50, TimeSpan.Zero);

        var first = Assert.Single(await runner.RunAsync(RunRequest.Scheduled(slot), null, null, CancellationToken.None));
        var repeat = Assert.Single(await runner.RunAsync(RunRequest.Scheduled(slot), null, null, CancellationToken.None));

        Assert.True(first.Succeeded, first.Error);
        Assert.NotNull(first.RunId);
        Assert.True(repeat.Succeeded);
        Assert.Null(repeat.RunId); // nothing ran
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE scheduled_fire_time = @slot", new { slot = slot.UtcDateTime }));

        // A slot whose only run failed (a node killed mid-run leaves it 'abandoned') is run again.
        var failedSlot = slot.AddSeconds(10);
        await h.ScalarAsync<object>("""
            INSERT INTO ops.runs (trigger, source, host, scheduled_fire_time, status, finished_at, error)
            VALUES ('schedule', 'county-oa', 'dead-node', @failedSlot, 'failed', now(), 'abandoned: the process running it stopped before finishing')
            """, new { failedSlot = failedSlot.UtcDateTime });
        var rerun = Assert.Single(await runner.RunAsync(RunRequest.Scheduled(failedSlot), null, null, CancellationToken.None));
        Assert.True(rerun.Succeeded, rerun.Error);
        Assert.NotNull(rerun.RunId);
        Assert.Equal(["failed", "succeeded"], await h.QueryAsync<string>(
            "SELECT status FROM ops.runs WHERE scheduled_fire_time = @failedSlot ORDER BY run_id", new { failedSlot = failedSlot.UtcDateTime }));
    }
}
