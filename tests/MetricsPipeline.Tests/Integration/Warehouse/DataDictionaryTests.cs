using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse.Dictionary;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Warehouse;

/// <summary>A freshly migrated warehouse, once for the dictionary tests (they only read its catalog).</summary>
public sealed class MigratedWarehouseFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestPostgres.CreateWarehouseAsync("dictionary");

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>
/// The data dictionary is true and complete: every object and column the analyst and dashboard roles can
/// read carries a comment, and the committed docs/dictionary.md is what `metrics-pipeline docs` writes for a
/// freshly migrated warehouse.
/// </summary>
public sealed class DataDictionaryTests(MigratedWarehouseFixture warehouse) : IClassFixture<MigratedWarehouseFixture>
{
    private static readonly string[] Readers = ["metrics_analyst", "metrics_dashboard"];

    // Enumerated here independently of the product's DictionaryCatalog, which the second test checks against it.
    private const string ReadableObjects = """
        SELECT format('%I.%I', n.nspname, c.relname) AS Name, 'relation' AS Kind, obj_description(c.oid, 'pg_class') AS Comment
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
          AND EXISTS (SELECT 1 FROM unnest(@readers::text[]) r
                      WHERE has_schema_privilege(r, n.oid, 'USAGE')
                        AND (has_table_privilege(r, c.oid, 'SELECT')
                             OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                                          AND has_column_privilege(r, c.oid, a.attnum, 'SELECT'))))
        UNION ALL
        SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)), 'function', obj_description(p.oid, 'pg_proc')
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind = 'f' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
          AND EXISTS (SELECT 1 FROM unnest(@readers::text[]) r
                      WHERE has_schema_privilege(r, n.oid, 'USAGE') AND has_function_privilege(r, p.oid, 'EXECUTE'))
        ORDER BY 1
        """;

    private const string ReadableColumnsWithoutComment = """
        SELECT format('%I.%I.%I', n.nspname, c.relname, a.attname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
          AND col_description(c.oid, a.attnum) IS NULL
          AND EXISTS (SELECT 1 FROM unnest(@readers::text[]) r
                      WHERE has_schema_privilege(r, n.oid, 'USAGE') AND has_column_privilege(r, c.oid, a.attnum, 'SELECT'))
        ORDER BY 1
        """;

    // PostgreSQL has no comment on a function's result column: the function's comment names each one.
    private const string ResultColumnsNotNamed = """
        SELECT format('%I.%I(%s) result column %I', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), a.name)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        CROSS JOIN LATERAL unnest(p.proargnames, p.proargmodes) AS a(name, mode)
        WHERE a.mode IN ('o', 't', 'b') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
          AND coalesce(obj_description(p.oid, 'pg_proc'), '') !~ ('\m' || a.name || '\M')
          AND EXISTS (SELECT 1 FROM unnest(@readers::text[]) r
                      WHERE has_schema_privilege(r, n.oid, 'USAGE') AND has_function_privilege(r, p.oid, 'EXECUTE'))
        ORDER BY 1
        """;

    private sealed record CatalogObject(string Name, string Kind, string? Comment);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(warehouse.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    [Fact]
    public async Task EveryObjectAndColumnTheReadersCanRead_HasATrueUsefulComment()
    {
        await using var db = await OpenAsync();
        var objects = (await db.QueryAsync<CatalogObject>(ReadableObjects, new { readers = Readers })).ToList();
        Assert.Contains(objects, o => o.Name == "marts.indicators");
        Assert.Contains(objects, o => o.Name.StartsWith("marts.indicators_as_of(", StringComparison.Ordinal));

        var problems = objects.Where(o => string.IsNullOrWhiteSpace(o.Comment)).Select(o => $"{o.Name}: no COMMENT")
            // A reader needs the grain to use a table or view: "Grain: one row per ..." by the warehouse's convention.
            .Concat(objects.Where(o => o.Kind == "relation" && o.Comment is not null && !o.Comment.Contains("Grain:", StringComparison.Ordinal))
                .Select(o => $"{o.Name}: the COMMENT does not state the grain (Grain: ...)"))
            .Concat((await db.QueryAsync<string>(ReadableColumnsWithoutComment, new { readers = Readers })).Select(c => $"{c}: no COMMENT"))
            .Concat((await db.QueryAsync<string>(ResultColumnsNotNamed, new { readers = Readers })).Select(c => $"{c}: not described in the function's COMMENT"))
            .ToList();

        Assert.True(problems.Count == 0,
            $"{problems.Count} readable object(s) or column(s) lack a comment (tables: a versioned migration; views and functions: their layer file):\n"
            + string.Join("\n", problems));
    }

    [Fact]
    public async Task Dictionary_ListsExactlyWhatTheReadersCanRead_WithItsLineageFromFactsToMarts()
    {
        await using var db = await OpenAsync();
        var expected = (await db.QueryAsync<CatalogObject>(ReadableObjects, new { readers = Readers })).Select(o => o.Name).ToList();
        await using var dataSource = NpgsqlDataSource.Create(warehouse.ConnectionString);

        var dictionary = await new DictionaryCatalog(dataSource).ReadAsync(CancellationToken.None);

        Assert.Equal(expected.Order(StringComparer.Ordinal), dictionary.Objects.Select(o => o.Signature).Order(StringComparer.Ordinal));
        var indicators = dictionary.Objects.Single(o => o.QualifiedName == "marts.indicators");
        Assert.Equal(ObjectKind.View, indicators.Kind);
        Assert.StartsWith("one row per unit x category x measure x period", indicators.Grain);
        Assert.Equal(Readers, indicators.Readers);
        Assert.Equal("比例 fraction (0.30 = 30%)", indicators.Columns.Single(c => c.Name == "reduction").Unit);
        Assert.Equal("numeric", indicators.Columns.Single(c => c.Name == "reduction").Type);
        // Analysts read no ops object; dashboards read the ledger.
        Assert.DoesNotContain(dictionary.Objects, o => o.Schema == "ops" && o.Readers.Contains("metrics_analyst"));
        Assert.Equal(["metrics_dashboard"], dictionary.Objects.Single(o => o.QualifiedName == "ops.windows").Readers);

        // Lineage: views as PostgreSQL records them, functions by the names in their bodies.
        Assert.Contains(new LineageEdge("marts.indicators", "marts.period_values", FromBody: false), dictionary.Lineage);
        Assert.Contains(new LineageEdge("marts.period_values", "marts.period_sums", FromBody: false), dictionary.Lineage);
        Assert.Contains(new LineageEdge("marts.daily_values", "facts.daily", FromBody: false), dictionary.Lineage);
        Assert.Contains(new LineageEdge("marts.refresh_periods", "facts.daily", FromBody: true), dictionary.Lineage);
        Assert.Contains(new LineageEdge("marts.refresh_periods", "marts.period_sums", FromBody: true), dictionary.Lineage);
        Assert.DoesNotContain(dictionary.Lineage, e => e.Dependent == e.Dependency);
    }

    [Fact]
    public async Task CommittedDictionary_IsWhatDocsWritesForAFreshlyMigratedWarehouse()
    {
        await using var dataSource = NpgsqlDataSource.Create(warehouse.ConnectionString);
        var generated = DictionaryMarkdown.Render(await new DictionaryCatalog(dataSource).ReadAsync(CancellationToken.None));
        var committedPath = Path.Combine(RepositoryRoot(), "docs", DictionaryMarkdown.FileName);
        var committed = File.Exists(committedPath) ? await File.ReadAllTextAsync(committedPath) : "";

        if (committed != generated)
        {
            var committedLines = committed.Split('\n');
            var generatedLines = generated.Split('\n');
            var first = Enumerable.Range(0, Math.Max(committedLines.Length, generatedLines.Length))
                .First(i => i >= committedLines.Length || i >= generatedLines.Length || committedLines[i] != generatedLines[i]);
            Assert.Fail($"docs/dictionary.md is stale: the catalog changed (a comment, column, view, function or grant). " +
                        $"Regenerate it with ops/scripts/dictionary.sh (it migrates a throwaway PostgreSQL and runs metrics-pipeline docs --out docs) and commit it. " +
                        $"First difference at line {first + 1}:\n  committed: {(first < committedLines.Length ? committedLines[first] : "(end of file)")}\n" +
                        $"  generated: {(first < generatedLines.Length ? generatedLines[first] : "(end of file)")}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MetricsPipeline.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("MetricsPipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
