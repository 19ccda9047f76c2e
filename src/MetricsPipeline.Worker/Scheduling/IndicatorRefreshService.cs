using MetricsPipeline.Configuration;
using MetricsPipeline.Indicators;
using MetricsPipeline.Pipeline.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Worker.Scheduling;

/// <summary>
/// The service's indicator refresher: every Pipeline:Indicators:RefreshInterval it drains
/// ops.indicator_refresh_queue, so the scheduled loads of all sources since the last round are refreshed
/// together and no window waits for the marts. Every node of a cluster runs one; the refresh lock lets
/// exactly one of them work at a time and the others skip the round (nothing is lost: the rows stay queued
/// until a refresh commits). Between rounds it reports the backlog to the metrics.
/// </summary>
public sealed class IndicatorRefreshService(
    IndicatorRefresher refresher, PipelineMetrics metrics, IOptions<PipelineOptions> options, ILogger<IndicatorRefreshService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Indicators.RefreshInterval);
        var failing = false;
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                var backlog = await refresher.BacklogAsync(stoppingToken);
                if (backlog.Loads > 0)
                {
                    await refresher.RefreshQueuedAsync(wait: false, stoppingToken);
                    backlog = await refresher.BacklogAsync(stoppingToken);
                }
                metrics.UpdateRefreshBacklog(backlog);
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The warehouse may be down or restarting; the queue keeps what is owed, and the service must not
                // stop over it. Logged once per outage, not every round.
                if (!failing)
                    SchedulingLog.IndicatorRefreshFailed(logger, ex.Message);
                failing = true;
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping (whatever the driver made of the cancel): the refresh in progress rolled back and
                // its rows stay queued.
                return;
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }
}

internal static partial class SchedulingLog
{
    [LoggerMessage(EventId = 71403, Level = LogLevel.Warning,
        Message = "Indicator refresh round failed; queued loads stay queued and the next round retries: {Reason}")]
    public static partial void IndicatorRefreshFailed(ILogger logger, string reason);
}
