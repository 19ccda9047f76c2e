using System.Diagnostics;
using MetricsPipeline.Indicators;
using MetricsPipeline.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Benchmarks.Province;

/// <summary>What one service round after one window of one source cost (province benchmark, child process).</summary>
internal sealed record RoundResult(string Source, DateOnly Day, int LateEvents, double RepullSeconds, long FactsWritten, double RefreshSeconds, int Loads, string? Error);

/// <summary>
/// The service's steady state after the backfill: late rows arrive at village-app for one day, one window
/// re-pulls that day and only queues (as a scheduled run does), then the refresher's round drains the
/// queue (marts.refresh_queued() through <see cref="IndicatorRefresher"/>, as the service calls it).
/// </summary>
internal static class ServiceRound
{
    public static async Task<RoundResult> RunAsync(IServiceProvider services, ProvinceSpec spec, CancellationToken cancellationToken)
    {
        var late = await ProvinceGenerator.AddLateVillageEventsAsync(spec.VillageApp, spec.RoundDay, spec.RoundLateEvents);
        var runner = services.GetRequiredService<PipelineRunner>();
        var refresher = services.GetRequiredService<IndicatorRefresher>();

        var repull = Stopwatch.StartNew();
        var results = await runner.RunAsync(RunRequest.Backfill(spec.RoundDay, spec.RoundDay) with { RefreshIndicators = false },
            ProvinceShape.VillageApp, progress: null, cancellationToken);
        repull.Stop();
        var error = results.Select(r => r.Error).FirstOrDefault(e => e is not null);
        var written = results.SelectMany(r => r.Streams).SelectMany(s => s.Windows).Sum(w => w.FactsWritten);
        if (error is not null)
            return new RoundResult(ProvinceShape.VillageApp, spec.RoundDay, late, repull.Elapsed.TotalSeconds, written, 0, 0, error);

        var refresh = await refresher.RefreshQueuedAsync(wait: true, cancellationToken);
        return new RoundResult(ProvinceShape.VillageApp, spec.RoundDay, late, repull.Elapsed.TotalSeconds, written,
            refresh.Duration.TotalSeconds, refresh.Loads, refresh.Loads == 0 ? "the re-pull queued nothing: the late rows did not change the facts" : null);
    }
}
