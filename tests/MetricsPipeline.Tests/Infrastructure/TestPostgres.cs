using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL server the test script starts. Its admin connection string comes from
/// METRICS_TEST_PG; when it is missing the tests fail loudly, they never skip.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "METRICS_TEST_PG";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: integration tests need a real PostgreSQL server. " +
                "Run them through ops/scripts/test.sh, which starts one.");

    /// <summary>Creates a new empty database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>A new database with every migration applied.</summary>
    public static async Task<string> CreateWarehouseAsync(string prefix = "wh")
    {
        var connectionString = await CreateDatabaseAsync(prefix);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return connectionString;
    }
}
