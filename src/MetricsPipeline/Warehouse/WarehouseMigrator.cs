using System.Data.Common;
using System.Transactions;
using EvolveDb;
using EvolveDb.Migration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Applies the versioned SQL files of <c>sql/migrations</c> (tables, data, one-time moves), then the SQL
/// layer (<see cref="SqlLayer"/>: every view and function, one file each) as repeatable migrations, all
/// embedded in this assembly, with Evolve, in one transaction. Evolve takes a PostgreSQL advisory lock
/// (cluster mode), so two processes migrating at once are safe, and it validates the checksum of every
/// applied versioned file, refusing to go on when one was edited (files rewritten after their release are
/// recognised by <see cref="RewrittenMigrations"/>).
/// </summary>
public sealed class WarehouseMigrator(NpgsqlDataSource warehouse, ILogger<WarehouseMigrator> logger)
{
    public const string ResourcePrefix = "MetricsPipeline.Migrations.";

    /// <summary>How long one migrate may run in its single transaction (one-time moves over large warehouses).</summary>
    internal static readonly TimeSpan MigrationTimeout = TimeSpan.FromHours(6);

    static WarehouseMigrator()
    {
        // System.Transactions caps every ambient transaction at TransactionManager.MaximumTimeout (10 min by
        // default), silently shortening the timeout Evolve asks for.
        if (TransactionManager.MaximumTimeout < MigrationTimeout)
            TransactionManager.MaximumTimeout = MigrationTimeout;
    }

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var evolve = CreateEvolve(connection, logger);
        var assembly = typeof(WarehouseMigrator).Assembly;
        evolve.EmbeddedResourceAssemblies = [assembly];
        evolve.EmbeddedResourceFilters = [ResourcePrefix];
        evolve.MigrationLoader = new LayeredMigrationLoader(
            new EmbeddedResourceMigrationLoader(evolve), RewrittenMigrations.Load(assembly), SqlLayer.Load(assembly));
        // Evolve is synchronous; keep it off the caller's thread.
        await Task.Run(evolve.Migrate, cancellationToken);
        return new MigrationResult(evolve.NbMigration, evolve.AppliedMigrations.ToList());
    }

    /// <summary>
    /// Evolve as migrate configures it, without its migrations: where the history lives, locking, transactions.
    /// Upgrade tests use it to build a warehouse from an older release's files.
    /// </summary>
    internal static Evolve CreateEvolve(DbConnection connection, ILogger logger) =>
        new(connection, message => MigrationLog.EvolveMessage(logger, message), EvolveDb.Dialect.DBMS.PostgreSQL)
        {
            MetadataTableSchema = "ops",
            MetadataTableName = "schema_changelog",
            EnableClusterMode = true,
            MustEraseOnValidationError = false,
            IsEraseDisabled = true,
            // No placeholders: the files are plain SQL, and PL/pgSQL may contain ${...}-like text.
            PlaceholderPrefix = "${mp:",
            CommandTimeout = 3600,
            // CommitAll runs everything in one ambient transaction, which Evolve aborts after 60 s by default: a
            // one-time move over a large warehouse (V32, V35: millions of mart rows) then failed with "current
            // transaction is aborted" and nothing said why. Migrations take the time they take.
            AmbientTransactionTimeout = (int)MigrationTimeout.TotalSeconds,
            // One transaction for everything: a failed layer file leaves the warehouse as it was, and
            // readers never see the moment between the layer's drop and its re-creation.
            TransactionMode = EvolveDb.Configuration.TransactionKind.CommitAll,
        };
}

public sealed record MigrationResult(int Applied, IReadOnlyList<string> AppliedFiles);
