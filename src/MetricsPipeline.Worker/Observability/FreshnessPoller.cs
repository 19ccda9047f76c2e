using MetricsPipeline.Pipeline.Telemetry;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Worker.Observability;

/// <summary>
/// Re-reads ops.source_freshness every Metrics:FreshnessInterval for the per-source gauges (last success,
/// freshness lag, stale). The warehouse is the cluster-wide truth: whichever node ran a source, every node
/// reports the same freshness. While the warehouse is unreachable the gauges keep their last reading, and the
/// lag keeps growing because it is computed at scrape time.
/// </summary>
public sealed class FreshnessPoller(SourceHealthQueries queries, PipelineMetrics metrics, IOptions<MetricsOptions> options, ILogger<FreshnessPoller> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FreshnessInterval);
        var failing = false;
        do
        {
            try
            {
                metrics.UpdateSourceHealth(await queries.SourcesAsync(stoppingToken));
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever goes wrong here (the warehouse down, the view not migrated yet), the gauges must not
                // take the service down with them.
                if (!failing) // once per outage, not every interval
                    ObservabilityLog.FreshnessReadFailed(logger, ex.Message);
                failing = true;
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }
}
