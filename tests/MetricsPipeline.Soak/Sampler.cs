using Dapper;
using Npgsql;

namespace MetricsPipeline.Soak;

/// <summary>
/// One look at the worker from outside: its resident memory, the warehouse sessions it holds, and how far the
/// indicators lag behind the facts (loads waiting in ops.indicator_refresh_queue, age of the oldest).
/// </summary>
internal sealed record Sample(TimeSpan At, long RssKb, long PipelineSessions, long SchedulerSessions, long QueuedLoads, double IndicatorLagSeconds)
{
    public long Sessions => PipelineSessions + SchedulerSessions;

    public static async Task<Sample?> TakeAsync(TimeSpan at, int pid, string adminConnectionString, string database)
    {
        var rss = ReadRssKb(pid);
        if (rss is null)
            return null;
        await using var admin = new NpgsqlConnection(adminConnectionString);
        // The pipeline's data source names its sessions metrics-pipeline; Quartz's job store leaves the name empty.
        var rows = (await admin.QueryAsync<(string Name, long Count)>("""
            SELECT coalesce(application_name, ''), count(*) FROM pg_stat_activity
            WHERE datname = @database AND pid <> pg_backend_pid() GROUP BY 1
            """, new { database })).ToList();
        await using var warehouse = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString);
        var queue = await warehouse.QuerySingleAsync<(long Loads, double LagSeconds)>("""
            SELECT count(*), coalesce(extract(epoch FROM now() - min(queued_at)), 0)::float8 FROM ops.indicator_refresh_queue
            """);
        return new Sample(at, rss.Value,
            rows.Where(r => r.Name.StartsWith("metrics-pipeline", StringComparison.Ordinal)).Sum(r => r.Count),
            rows.Where(r => r.Name.Length == 0).Sum(r => r.Count), queue.Loads, queue.LagSeconds);
    }

    private static long? ReadRssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
