using EvolveDb;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Applies the versioned SQL files of <c>sql/migrations</c> (embedded in this assembly) with Evolve.
/// Evolve takes a PostgreSQL advisory lock (cluster mode), so two processes migrating at once are safe,
/// and it validates the checksum of every applied file, refusing to go on when one was edited.
/// </summary>
public sealed class WarehouseMigrator(NpgsqlDataSource warehouse, ILogger<WarehouseMigrator> logger)
{
    public const string ResourcePrefix = "MetricsPipeline.Migrations.";

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var evolve = new Evolve(connection, message => MigrationLog.EvolveMessage(logger, message), EvolveDb.Dialect.DBMS.PostgreSQL)
        {
            EmbeddedResourceAssemblies = [typeof(WarehouseMigrator).Assembly],
            EmbeddedResourceFilters = [ResourcePrefix],
            MetadataTableSchema = "ops",
            MetadataTableName = "schema_changelog",
            EnableClusterMode = true,
            MustEraseOnValidationError = false,
            IsEraseDisabled = true,
            // No placeholders: the files are plain SQL, and PL/pgSQL may contain ${...}-like text.
            PlaceholderPrefix = "${mp:",
            CommandTimeout = 3600,
        };
        // Evolve is synchronous; keep it off the caller's thread.
        await Task.Run(evolve.Migrate, cancellationToken);
        return new MigrationResult(evolve.NbMigration, evolve.AppliedMigrations.ToList());
    }
}

public sealed record MigrationResult(int Applied, IReadOnlyList<string> AppliedFiles);
