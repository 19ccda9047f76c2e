using MetricsPipeline.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace MetricsPipeline.Worker.Scheduling;

/// <summary>
/// Makes the job store's jobs and triggers match the configured sources when a node starts: a source
/// without a job gets one, a changed cron or time zone replaces its trigger, a removed source loses its job.
/// An unchanged trigger is left alone. Re-storing it (what Quartz's declarative AddTrigger does on every
/// start) resets its next fire time while other nodes are firing it, and the cluster then runs one slot
/// twice or skips one.
/// </summary>
public sealed partial class SourceSchedules(ISchedulerFactory schedulers, IOptions<PipelineOptions> options, ILogger<SourceSchedules> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scheduler = await schedulers.GetScheduler(stoppingToken);
        var sources = PipelinePlan.CompileOrThrow(options.Value);
        foreach (var source in sources)
            await EnsureAsync(scheduler, source, stoppingToken);

        var configured = sources.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var keys = await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SourceJob.Group), stoppingToken);
        foreach (var key in keys.Where(k => !configured.Contains(k.Name)))
        {
            await scheduler.DeleteJob(key, stoppingToken);
            JobRemoved(logger, key.Name);
        }
    }

    private async Task EnsureAsync(IScheduler scheduler, SourcePlan source, CancellationToken cancellationToken)
    {
        var jobKey = new JobKey(source.Name, SourceJob.Group);
        var triggerKey = new TriggerKey(source.Name, SourceJob.Group);
        var existing = await scheduler.GetTrigger(triggerKey, cancellationToken) as ICronTrigger;
        if (existing is not null && existing.CronExpressionString == source.Schedule && existing.TimeZone.Id == source.TimeZone.Id)
            return;

        try
        {
            if (!await scheduler.Exists(jobKey, cancellationToken))
                await scheduler.AddJob(SourceJob.Define(source.Name), default, cancellationToken);
            var trigger = TriggerBuilder.Create().WithIdentity(triggerKey).ForJob(jobKey)
                .WithSchedule(CronScheduleBuilder.Create(source.Schedule).InTimeZone(source.TimeZone)
                    .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            if (existing is null)
            {
                await scheduler.ScheduleJob(trigger, default, cancellationToken);
                TriggerCreated(logger, source.Name, source.Schedule, source.TimeZone.Id);
            }
            else
            {
                await scheduler.RescheduleJob(triggerKey, trigger, cancellationToken);
                TriggerChanged(logger, source.Name, existing.CronExpressionString ?? "", existing.TimeZone.Id, source.Schedule, source.TimeZone.Id);
            }
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another node starting at the same moment stored it first, from the same configuration.
        }
    }

    [LoggerMessage(EventId = 72001, Level = LogLevel.Information, Message = "Removed the scheduled job of source {Source}, which is no longer configured")]
    private static partial void JobRemoved(ILogger logger, string source);

    [LoggerMessage(EventId = 74001, Level = LogLevel.Information, Message = "Scheduled source {Source} on cron {Cron} in {TimeZone}")]
    private static partial void TriggerCreated(ILogger logger, string source, string cron, string timeZone);

    [LoggerMessage(EventId = 74002, Level = LogLevel.Information, Message = "Rescheduled source {Source}: cron {OldCron} in {OldTimeZone} is now {Cron} in {TimeZone}")]
    private static partial void TriggerChanged(ILogger logger, string source, string oldCron, string oldTimeZone, string cron, string timeZone);
}
