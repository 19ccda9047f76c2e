using System.Globalization;
using Quartz;

namespace MetricsPipeline.Worker.Scheduling;

/// <summary>
/// The cron slot a firing stands for. A recovery firing (the node that ran the slot died, or handed it back
/// while stopping) is scheduled for the moment the original actually fired, a few milliseconds after the
/// slot; the slot itself travels in its job data. Recording the slot makes a recovered run line up with the
/// run it replaces.
/// </summary>
internal static class FiringSlot
{
    public static DateTimeOffset Of(IJobExecutionContext context)
    {
        if (context.Recovering
            && context.MergedJobDataMap.TryGetValue(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime, out var value)
            && Parse(value) is { } original)
            return original;
        return context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
    }

    // Quartz has stored this value as Unix milliseconds and as invariant-culture text over its versions.
    private static DateTimeOffset? Parse(object? value) => value switch
    {
        DateTimeOffset time => time,
        long ms => DateTimeOffset.FromUnixTimeMilliseconds(ms),
        string text when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms),
        string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) => time,
        _ => null,
    };
}
