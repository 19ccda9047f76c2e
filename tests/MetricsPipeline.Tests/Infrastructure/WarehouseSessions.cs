using Dapper;
using Npgsql;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>The worker's sessions in a warehouse, as the server sees them (pg_stat_activity).</summary>
public static class WarehouseSessions
{
    /// <summary>Sessions the pipeline opened (application_name metrics-pipeline) in the warehouse's database.</summary>
    public static async Task<long> CountAsync(string warehouse)
    {
        var database = new NpgsqlConnectionStringBuilder(warehouse).Database;
        await using var admin = new NpgsqlConnection(TestPostgres.AdminConnectionString);
        return await admin.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @database AND application_name = 'metrics-pipeline'", new { database });
    }

    /// <summary>
    /// After a SIGKILL the server ends the dead client's sessions once it notices the closed sockets; until
    /// then they still hold the source's advisory lock and a restarted worker would find the source busy.
    /// </summary>
    public static async Task WaitUntilGoneAsync(string warehouse, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await CountAsync(warehouse) > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the killed worker's sessions were still open after {timeout}");
            await Task.Delay(20);
        }
    }
}
