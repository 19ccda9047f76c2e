using MetricsPipeline.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace MetricsPipeline.Worker.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>
    /// Quartz with the clustered PostgreSQL job store in the warehouse (schema quartz, created by migrate),
    /// one job per source on its cron in the source's time zone.
    /// Misfire policy: a fire missed while no node was running (or all were busy) runs once as soon as a
    /// node can, then the normal schedule resumes (FireAndProceed). Windows are re-pulled from the last
    /// covered day, so one catch-up run covers every missed fire.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineScheduling(this IHostApplicationBuilder builder)
    {
        var scheduler = builder.Configuration.GetSection(SchedulerOptions.SectionName).Get<SchedulerOptions>() ?? new SchedulerOptions();

        // Scheduled runs only queue their days; this refreshes the indicators of all of them every RefreshInterval.
        builder.Services.AddHostedService<IndicatorRefreshService>();

        builder.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = "metrics-pipeline";
                // host:pid:start, unique in the cluster and readable: quartz.qrtz_scheduler_state and
                // qrtz_fired_triggers then say which process on which machine holds what.
                s.InstanceId = $"{Environment.MachineName}:{Environment.ProcessId}:{DateTime.UtcNow:yyyyMMddHHmmss}";
                // A stop (SIGTERM) cancels running jobs' tokens and then waits for them: the window in
                // progress rolls back promptly instead of the whole run holding the stop up.
                s.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            q.UseDefaultThreadPool(scheduler.MaxConcurrentSources);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(ds => ds.ConnectionString = builder.Configuration.GetConnectionString("Warehouse") ?? "");
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = "quartz.qrtz_";
                    o.MisfireThreshold = scheduler.MisfireThreshold;
                    // A firing cancelled by a stop is handed back like a crashed one (the jobs request
                    // recovery): another node, or this one when it starts again, re-runs that slot.
                    o.RecoverFiringsCancelledByShutdown = true;
                });
                store.UseClustering(c =>
                {
                    c.CheckinInterval = scheduler.CheckinInterval;
                    c.CheckinMisfireThreshold = scheduler.CheckinInterval * 2;
                });
            });

            // Jobs and triggers are stored by SourceSchedules, which leaves unchanged triggers alone.
        });
        builder.AddQuartzHostedService(o =>
        {
            // Stopping waits for running jobs; their tokens are cancelled so the current window rolls back promptly.
            o.WaitForJobsToComplete = true;
            o.AwaitApplicationStarted = true;
        });
        builder.Services.AddHostedService<SourceSchedules>();
        return builder;
    }
}

/// <summary>Scheduler settings (section "Scheduler").</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Scheduler";

    /// <summary>Sources one node runs at the same time.</summary>
    public int MaxConcurrentSources { get; set; } = 4;

    /// <summary>How often a node checks in; a node silent for twice this is presumed dead and its jobs recovered.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How late a fire may start before it counts as misfired.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);
}
