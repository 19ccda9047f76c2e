using MySqlConnector;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>The real MariaDB server the test script starts (METRICS_TEST_MYSQL). Missing: the tests fail loudly.</summary>
public static class TestMariaDb
{
    public const string EnvironmentVariable = "METRICS_TEST_MYSQL";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: the mysql-provider tests need a real MariaDB server. " +
                "Run them through ops/scripts/test.sh, which starts one.");

    /// <summary>Creates a fresh database, runs the setup script in it and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix, string setupSql)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 64)];
        await using (var admin = new MySqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new MySqlConnectionStringBuilder(AdminConnectionString) { Database = name, AllowUserVariables = true }.ConnectionString;
        await ExecuteAsync(connectionString, setupSql);
        return connectionString;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
