using Quartz;

namespace MetricsPipeline.Configuration;

/// <summary>What a source's Schedule and TimeZone must be for the service to pull it at all.</summary>
public static class ScheduleRules
{
    /// <summary>How far ahead a schedule must fire at least once: covers leap-day schedules (29 February), refuses 30 February and past years.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(5 * 366);

    /// <summary>Null when <paramref name="cron"/> is a Quartz cron that fires within <see cref="Horizon"/> of <paramref name="now"/> in <paramref name="zone"/>.</summary>
    public static string? CronProblem(string? cron, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (!CronExpression.TryParse(cron ?? "", out _))
            return $"'{cron}' is not a valid Quartz cron expression (seconds first, e.g. \"0 0/15 * * * ?\")";
        var next = new CronExpression(cron!, zone).GetNextValidTimeAfter(now);
        if (next is null || next.Value - now > Horizon)
            return $"'{cron}' never fires in the next 5 years (a day that does not exist, such as 30 February, or a year that has passed); the service would never pull this source";
        return null;
    }

    /// <summary>
    /// The zone of an IANA id. Windows ids are refused, not mapped: .NET on Linux would accept
    /// "China Standard Time", but PostgreSQL and MySQL do not know it and every window of the source would
    /// fail; the error names the IANA id to write instead.
    /// </summary>
    public static TimeZoneInfo? FindIanaZone(string? id, out string? problem)
    {
        problem = null;
        TimeZoneInfo? zone = null;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(id ?? ""); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException) { }
        if (zone is { HasIanaId: true })
            return zone;
        problem = TimeZoneInfo.TryConvertWindowsIdToIanaId(id ?? "", out var iana)
            ? $"'{id}' is a Windows time zone id; write its IANA id '{iana}' (the source databases know only IANA ids)"
            : $"unknown time zone '{id}' (use an IANA name such as Asia/Shanghai)";
        return null;
    }
}
