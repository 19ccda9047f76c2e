using System.Text.RegularExpressions;
using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Warehouse;

/// <summary>The SQL layer: every view and function in one file named for it, applied whole after the versioned migrations.</summary>
public sealed partial class SqlLayerTests
{
    private static readonly SqlLayer Layer = SqlLayer.Load(typeof(SqlLayer).Assembly);

    [GeneratedRegex(@"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(VIEW|FUNCTION)\s+([a-z_]+\.[a-z_0-9]+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex CreateStatement();

    private const string CatalogObjects = """
        SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v' AND n.nspname IN ('ref', 'facts', 'ops', 'marts')
        UNION ALL
        SELECT n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('ref', 'facts', 'ops', 'marts')
        ORDER BY 1
        """;

    [Fact]
    public void EveryLayerFile_CreatesExactlyTheObjectItIsNamedFor()
    {
        foreach (var file in Layer.Files.Skip(1))
        {
            var creates = CreateStatement().Matches(file.Content).Select(m => m.Groups[2].Value).ToList();
            var segments = file.Path.Split('/');
            var expected = segments[0] + "." + Path.GetFileNameWithoutExtension(segments[^1]);
            Assert.True(creates.SequenceEqual([expected]), $"sql/{file.Path} creates [{string.Join(", ", creates)}], expected exactly {expected}");
        }
    }

    [Fact]
    public async Task MigratedWarehouse_HoldsExactlyTheLayersViewsAndFunctions()
    {
        var warehouse = await TestPostgres.CreateWarehouseAsync("layer");
        await using var db = new NpgsqlConnection(warehouse);
        await db.OpenAsync();

        var inCatalog = (await db.QueryAsync<string>(CatalogObjects)).ToList();
        var inLayer = Layer.Files.Skip(1)
            .Select(f => f.Path.Split('/')[0] + "." + Path.GetFileNameWithoutExtension(f.Path))
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(inLayer, inCatalog.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task ChangedLayer_IsReappliedWhole_WithCommentsAndGrants()
    {
        var warehouse = await TestPostgres.CreateWarehouseAsync("layer_re");
        await using var db = new NpgsqlConnection(warehouse);
        await db.OpenAsync();
        const string catalogState = """
            SELECT count(*) AS objects,
                   (SELECT count(*) FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind = 'v' AND n.nspname IN ('ref', 'facts', 'ops', 'marts')) AS view_comments,
                   has_table_privilege('metrics_analyst', 'marts.indicators', 'SELECT') AS analyst_reads,
                   has_table_privilege('metrics_dashboard', 'ops.source_freshness', 'SELECT') AS dashboard_reads,
                   has_function_privilege('metrics_writer', 'marts.refresh_queued()', 'EXECUTE') AS writer_refreshes
            FROM (
            """ + CatalogObjects + ") o";
        var before = await db.QuerySingleAsync<(long, long, bool, bool, bool)>(catalogState);

        // A release whose layer differs from the applied one: every recorded layer checksum is stale.
        await db.ExecuteAsync("UPDATE ops.schema_changelog SET checksum = 'older release' WHERE name LIKE 'R\\_\\_%'");
        await using var dataSource = NpgsqlDataSource.Create(warehouse);
        var result = await new WarehouseMigrator(dataSource, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        Assert.Equal(Layer.Files.Count, result.Applied);
        Assert.Equal(Layer.Files.Select((f, i) => $"R__{i:000}_{f.Path.Replace('/', '_')}"), result.AppliedFiles);
        var after = await db.QuerySingleAsync<(long, long, bool, bool, bool)>(catalogState);
        Assert.Equal(before, after);
        Assert.True(after.Item3 && after.Item4 && after.Item5, $"grants lost after re-applying the layer: {after}");
    }
}
