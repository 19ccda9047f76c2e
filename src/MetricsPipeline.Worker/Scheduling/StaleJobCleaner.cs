using MetricsPipeline.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace MetricsPipeline.Worker.Scheduling;

/// <summary>Removes jobs of sources that were removed from configuration; the persistent store would otherwise keep firing them.</summary>
public sealed partial class StaleJobCleaner(ISchedulerFactory schedulers, IOptions<PipelineOptions> options, ILogger<StaleJobCleaner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scheduler = await schedulers.GetScheduler(stoppingToken);
        var configured = options.Value.Sources.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var keys = await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SourceJob.Group), stoppingToken);
        foreach (var key in keys.Where(k => !configured.Contains(k.Name)))
        {
            await scheduler.DeleteJob(key, stoppingToken);
            JobRemoved(logger, key.Name);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Removed the scheduled job of source {Source}, which is no longer configured")]
    private static partial void JobRemoved(ILogger logger, string source);
}
