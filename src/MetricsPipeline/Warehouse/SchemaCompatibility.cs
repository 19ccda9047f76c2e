using Dapper;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Refuses a warehouse whose schema is newer than this build: a newer migration may have changed tables this
/// build writes, and an old binary running on them (a node not yet upgraded, a rollback) would write what the
/// new schema no longer means. Compares the highest versioned migration recorded in Evolve's metadata table
/// (ops.schema_changelog) with the highest V&lt;n&gt;__*.sql embedded in this build; repeatable R__ migrations
/// have no version and do not count.
/// </summary>
public sealed class SchemaCompatibility(NpgsqlDataSource warehouse)
{
    // Evolve records a row per applied file (name = the resource name), plus rows of its own without a file
    // name (the schema it created, with version 0); only applied versioned files count.
    private const string AppliedSql = """
        SELECT name, version FROM ops.schema_changelog
        WHERE success AND version IS NOT NULL
        """;

    /// <summary>The highest versioned migration embedded in this build.</summary>
    public static MigrationVersion BuildVersion { get; } = typeof(SchemaCompatibility).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(WarehouseMigrator.ResourcePrefix, StringComparison.Ordinal))
        .Select(MigrationVersion.FromFileName).OfType<MigrationVersion>().Max()
        ?? throw new InvalidOperationException("this build embeds no versioned migration");

    /// <summary>The highest versioned migration applied to the warehouse; null when nothing was ever migrated.</summary>
    public async Task<MigrationVersion?> AppliedVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('ops.schema_changelog') IS NOT NULL", cancellationToken: cancellationToken));
        if (!exists)
            return null;
        var rows = await connection.QueryAsync<(string Name, string Version)>(new CommandDefinition(AppliedSql, cancellationToken: cancellationToken));
        return rows.Where(r => MigrationVersion.FromFileName(r.Name) is not null)
            .Select(r => MigrationVersion.Parse(r.Version)).OfType<MigrationVersion>().Max();
    }

    /// <summary>Throws <see cref="SchemaMismatchException"/> when the warehouse has a migration this build does not know.</summary>
    public async Task EnsureNotNewerAsync(CancellationToken cancellationToken)
    {
        var applied = await AppliedVersionAsync(cancellationToken);
        if (applied is not null && applied > BuildVersion)
            throw new SchemaMismatchException(
                $"The warehouse schema is at {applied}, newer than this build, whose newest migration is {BuildVersion}: " +
                "a newer release migrated it. Install that release (or a later one) on this machine; nothing was done.");
    }
}

/// <summary>The warehouse's schema and this build do not fit together; nothing was done.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);
