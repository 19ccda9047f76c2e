using Dapper;
using EvolveDb.Migration;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Warehouse;

/// <summary>
/// V6 … V31 were rewritten after their release to keep tables, data and one-time moves only. A warehouse left
/// at any released version (built from the released files, <see cref="ReleasedWarehouse"/>) and migrated by
/// this build must end with exactly the schema of a fresh warehouse, and must still refuse a rewritten file
/// that was then edited.
/// </summary>
public sealed class UpgradeFromReleasedVersionsTests
{
    private static readonly Lazy<Task<(IReadOnlyList<string> Schema, IReadOnlyList<string> Changelog)>> Fresh =
        new(async () =>
        {
            var fresh = await TestPostgres.CreateWarehouseAsync("fresh_schema");
            return (await SchemaDump.TakeAsync(fresh), await VersionedChangelogAsync(fresh));
        });

    public static TheoryData<string> ReleasedVersions() => new(ReleasedWarehouse.Versions);

    [Theory]
    [MemberData(nameof(ReleasedVersions))]
    public async Task Upgrade_FromAReleasedVersion_GivesTheSchemaOfAFreshWarehouse(string version)
    {
        var (freshSchema, freshChangelog) = await Fresh.Value;
        var warehouse = await ReleasedWarehouse.CreateAsync($"from_v{version}", version);

        await MigrateAsync(warehouse);

        SchemaDump.AssertEqual(freshSchema, await SchemaDump.TakeAsync(warehouse), $"a warehouse at V{version} upgraded, against a fresh one");
        // Both record the released checksums, so the next build validates them alike.
        Assert.Equal(freshChangelog, await VersionedChangelogAsync(warehouse));
    }

    [Fact]
    public async Task Upgrade_WithARewrittenFileEdited_IsRefused_AndTheRewrittenTextIsAccepted()
    {
        var warehouse = await ReleasedWarehouse.CreateAsync("edited_v31");
        await using (var connection = new NpgsqlConnection(warehouse))
        {
            await connection.OpenAsync();
            var evolve = WarehouseMigrator.CreateEvolve(connection, NullLogger.Instance);
            var assembly = typeof(WarehouseMigrator).Assembly;
            evolve.EmbeddedResourceAssemblies = [assembly];
            evolve.EmbeddedResourceFilters = [WarehouseMigrator.ResourcePrefix];
            // This build's files, except that V10 was edited after its rewrite (one statement added).
            var edited = new EditedLoader(new EmbeddedResourceMigrationLoader(evolve), "V10__periods_and_restatement.sql",
                "\nCREATE INDEX period_coverage_history_day_idx ON marts.period_coverage_history (period_start);\n");
            evolve.MigrationLoader = new LayeredMigrationLoader(edited, RewrittenMigrations.Load(assembly), SqlLayer.Load(assembly));

            var error = Assert.ThrowsAny<Exception>(evolve.Migrate);
            Assert.Contains("checksum", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("V10__periods_and_restatement.sql", error.Message);
            Assert.Equal(31, await connection.ExecuteScalarAsync<int>("SELECT max(version::integer) FROM ops.schema_changelog WHERE success AND version ~ '^[0-9]+$'"));
        }

        // The same warehouse with the files as this build holds them: accepted and upgraded.
        await MigrateAsync(warehouse);
    }

    private static async Task MigrateAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    private static async Task<IReadOnlyList<string>> VersionedChangelogAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        return (await db.QueryAsync<string>(
            "SELECT name || ' ' || checksum FROM ops.schema_changelog WHERE success AND name LIKE 'V%' ORDER BY name")).ToList();
    }

    /// <summary>Another loader's versioned files, one of them with text appended.</summary>
    private sealed class EditedLoader(IMigrationLoader files, string name, string appended) : IMigrationLoader
    {
        public IEnumerable<MigrationScript> GetMigrations() =>
            files.GetMigrations().Select(s => s.Name == name ? new TextMigrationScript(s.Name, s.Content + appended) : s);

        public IEnumerable<MigrationScript> GetRepeatableMigrations() => files.GetRepeatableMigrations();
    }
}
