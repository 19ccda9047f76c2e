using EvolveDb.Migration;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// Warehouses as the release before the SQL layer left them: the versioned files V1 … V31 exactly as released
/// (<c>Fixtures/v31-migrations</c>, copied from the repository before V6 … V31 were rewritten to tables, data
/// and one-time moves), applied by Evolve with migrate's settings. Every view and function of such a warehouse
/// is the one its release created, so an upgrade test seeds it with that release's own code.
/// </summary>
public static class ReleasedWarehouse
{
    public const string LastVersion = "31";

    public static string MigrationsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "v31-migrations");

    /// <summary>The released files, by name (V6__marts.sql ...), with their text.</summary>
    public static IReadOnlyDictionary<string, string> Files { get; } = Directory.GetFiles(MigrationsDirectory, "V*__*.sql")
        .ToDictionary(path => Path.GetFileName(path), File.ReadAllText, StringComparer.Ordinal);

    /// <summary>The versions of the released files, oldest first ("1", "2", ... "31").</summary>
    public static IReadOnlyList<string> Versions { get; } = Files.Keys
        .Select(name => MetricsPipeline.Warehouse.MigrationVersion.FromFileName(name)
            ?? throw new InvalidOperationException($"{MigrationsDirectory}/{name} is not a versioned migration"))
        .Order().Select(v => string.Join('.', v.Parts)).ToList();

    /// <summary>A new database migrated with the released files up to <paramref name="version"/>.</summary>
    public static async Task<string> CreateAsync(string prefix, string version = LastVersion)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(prefix);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var evolve = WarehouseMigrator.CreateEvolve(connection, NullLogger.Instance);
        evolve.Locations = [MigrationsDirectory];
        evolve.MigrationLoader = new FileMigrationLoader(evolve);
        evolve.TargetVersion = new EvolveDb.Migration.MigrationVersion(version);
        await Task.Run(evolve.Migrate);
        // A wrong directory or version would leave an empty database, and an upgrade from it would prove nothing.
        var expected = Versions.Count(v => Parse(v).CompareTo(Parse(version)) <= 0);
        if (evolve.NbMigration != expected)
            throw new InvalidOperationException(
                $"{MigrationsDirectory}: applied {evolve.NbMigration} released files up to V{version}, expected {expected}");
        return connectionString;
    }

    private static MetricsPipeline.Warehouse.MigrationVersion Parse(string version) =>
        MetricsPipeline.Warehouse.MigrationVersion.Parse(version)
        ?? throw new ArgumentException($"not a migration version: {version}", nameof(version));
}
