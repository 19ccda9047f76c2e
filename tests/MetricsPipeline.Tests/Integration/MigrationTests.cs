using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Tests.Integration;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrate_Twice_SecondRunAppliesNothing()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var migrator = new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance);

        var first = await migrator.MigrateAsync(CancellationToken.None);
        var second = await migrator.MigrateAsync(CancellationToken.None);

        Assert.True(first.Applied >= 5, $"expected every migration applied, got {first.Applied}");
        Assert.Equal(0, second.Applied);
        await using var connection = await dataSource.OpenConnectionAsync();
        var quartzTables = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'quartz'");
        Assert.Equal(15, quartzTables);
    }

    [Fact]
    public async Task Migrate_ConcurrentProcesses_BothSucceedAndApplyOnce()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_race");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var runs = Enumerable.Range(0, 3).Select(_ =>
            new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None));

        var results = await Task.WhenAll(runs);

        var files = results.SelectMany(r => r.AppliedFiles).ToList();
        Assert.Equal(files.Distinct().Count(), files.Count);
        await using var connection = await dataSource.OpenConnectionAsync();
        var applied = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM ops.schema_changelog WHERE type IN (0, 4) AND success"); // versioned and the SQL layer (repeatable)
        Assert.Equal(results.Sum(r => r.Applied), applied);
    }

    [Fact]
    public async Task Migrate_AppliedFileChanged_Refuses()
    {
        var connectionString = await TestPostgres.CreateWarehouseAsync("migrate_changed");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            // Simulate an edited file: the recorded checksum no longer matches the embedded one.
            await connection.ExecuteAsync("UPDATE ops.schema_changelog SET checksum = 'edited' WHERE name LIKE '%schemas%'");
        }

        var migrator = new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => migrator.MigrateAsync(CancellationToken.None));
        Assert.Contains("checksum", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
