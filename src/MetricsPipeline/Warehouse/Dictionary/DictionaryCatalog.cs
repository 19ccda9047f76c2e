using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace MetricsPipeline.Warehouse.Dictionary;

/// <summary>
/// Reads the data dictionary from the connected warehouse's catalog: every relation and function that
/// <see cref="DictionaryReaders.Roles"/> can read (USAGE on its schema and SELECT on it or a column of it, or
/// EXECUTE), with comments, column types and the lineage: a view's dependencies as PostgreSQL records them
/// (pg_depend of its rewrite rule), and for a function the objects its body names (PostgreSQL records none).
/// </summary>
public sealed partial class DictionaryCatalog(NpgsqlDataSource warehouse)
{
    // System schemas hold PostgreSQL's own objects, not the warehouse's.
    private const string OwnSchema = "n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'";

    private const string RelationsSql = $"""
        SELECT c.oid::bigint AS Oid, n.nspname AS Schema, c.relname AS Name, c.relkind::text AS RelKind,
               obj_description(c.oid, 'pg_class') AS Comment,
               array_agg(r.role ORDER BY r.role) AS Readers
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN unnest(@roles::text[]) AS r(role)
          ON has_schema_privilege(r.role, n.oid, 'USAGE') AND has_any_column_privilege(r.role, c.oid, 'SELECT')
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {OwnSchema}
        GROUP BY c.oid, n.nspname, c.relname, c.relkind
        """;

    // Only the columns some reader may select (a column grant can leave others out).
    private const string ColumnsSql = """
        SELECT a.attrelid::bigint AS Oid, a.attname AS Name, format_type(a.atttypid, a.atttypmod) AS Type,
               col_description(a.attrelid, a.attnum) AS Comment
        FROM pg_attribute a
        WHERE a.attrelid::bigint = ANY (@oids) AND a.attnum > 0 AND NOT a.attisdropped
          AND EXISTS (SELECT 1 FROM unnest(@roles::text[]) AS r(role) WHERE has_column_privilege(r.role, a.attrelid, a.attnum, 'SELECT'))
        ORDER BY a.attrelid, a.attnum
        """;

    private const string FunctionsSql = $"""
        SELECT p.oid::bigint AS Oid, n.nspname AS Schema, p.proname AS Name,
               pg_get_function_identity_arguments(p.oid) AS Arguments, pg_get_function_result(p.oid) AS Result,
               obj_description(p.oid, 'pg_proc') AS Comment,
               array_agg(r.role ORDER BY r.role) AS Readers
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        JOIN unnest(@roles::text[]) AS r(role)
          ON has_schema_privilege(r.role, n.oid, 'USAGE') AND has_function_privilege(r.role, p.oid, 'EXECUTE')
        WHERE p.prokind = 'f' AND {OwnSchema}
          -- functions of installed extensions belong to the extension, not to the warehouse
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        GROUP BY p.oid, n.nspname, p.proname
        """;

    // RETURNS TABLE (...) and OUT parameters: the function's result columns.
    private const string ResultColumnsSql = """
        SELECT p.oid::bigint AS Oid, a.name AS Name, format_type(a.type, NULL) AS Type
        FROM pg_proc p
        CROSS JOIN LATERAL unnest(p.proargnames, p.proallargtypes, p.proargmodes) WITH ORDINALITY AS a(name, type, mode, position)
        WHERE p.oid::bigint = ANY (@oids) AND a.mode IN ('o', 't', 'b')
        ORDER BY p.oid, a.position
        """;

    // Every view's recorded dependencies on relations and functions of the warehouse's own schemas.
    private const string ViewDependenciesSql = $"""
        SELECT DISTINCT vn.nspname || '.' || v.relname AS Dependent,
               coalesce(rn.nspname || '.' || rc.relname, fn.nspname || '.' || f.proname) AS Dependency
        FROM pg_rewrite rw
        JOIN pg_class v ON v.oid = rw.ev_class
        JOIN pg_namespace vn ON vn.oid = v.relnamespace
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
        LEFT JOIN pg_class rc ON d.refclassid = 'pg_class'::regclass AND rc.oid = d.refobjid AND rc.oid <> v.oid
        LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        LEFT JOIN pg_proc f ON d.refclassid = 'pg_proc'::regclass AND f.oid = d.refobjid
        LEFT JOIN pg_namespace fn ON fn.oid = f.pronamespace
        WHERE v.relkind IN ('v', 'm')
          AND vn.nspname <> 'information_schema' AND vn.nspname !~ '^pg_'
          AND (rc.oid IS NOT NULL AND rn.nspname <> 'information_schema' AND rn.nspname !~ '^pg_'
               OR f.oid IS NOT NULL AND fn.nspname <> 'information_schema' AND fn.nspname !~ '^pg_')
        """;

    // Function bodies and every name they could refer to, for the lineage of functions.
    private const string FunctionBodiesSql = $"""
        SELECT n.nspname || '.' || p.proname AS Name, p.prosrc AS Body
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind = 'f' AND {OwnSchema}
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        """;

    private const string KnownNamesSql = $"""
        SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {OwnSchema}
        UNION
        SELECT n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind = 'f' AND {OwnSchema}
        """;

    // Classes with setters: Dapper binds a text[] column to a string[] property, not to a constructor parameter.
    private sealed class RelationRow
    {
        public long Oid { get; init; }
        public string Schema { get; init; } = "";
        public string Name { get; init; } = "";
        public string RelKind { get; init; } = "";
        public string? Comment { get; init; }
        public string[] Readers { get; init; } = [];
    }

    private sealed class FunctionRow
    {
        public long Oid { get; init; }
        public string Schema { get; init; } = "";
        public string Name { get; init; } = "";
        public string Arguments { get; init; } = "";
        public string Result { get; init; } = "";
        public string? Comment { get; init; }
        public string[] Readers { get; init; } = [];
    }

    private sealed class ColumnRow
    {
        public long Oid { get; init; }
        public string Name { get; init; } = "";
        public string Type { get; init; } = "";
        public string? Comment { get; init; }
    }

    public async Task<DataDictionary> ReadAsync(CancellationToken cancellationToken)
    {
        // A dictionary of an empty database would be an empty file that looks like an answer.
        var version = await new SchemaCompatibility(warehouse).AppliedVersionAsync(cancellationToken)
            ?? throw new SchemaMismatchException(
                "The warehouse has no schema yet (no versioned migration is recorded in ops.schema_changelog): run metrics-pipeline migrate first; nothing was written.");
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var roles = DictionaryReaders.Roles.ToArray();
        var missing = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT r FROM unnest(@roles::text[]) AS r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)",
            new { roles }, cancellationToken: cancellationToken));
        if (missing.Any())
            throw new SchemaMismatchException(
                $"The warehouse has no role {string.Join(", ", missing)}: it was never migrated by this product. Run metrics-pipeline migrate first; nothing was written.");

        var relations = (await connection.QueryAsync<RelationRow>(new CommandDefinition(RelationsSql, new { roles }, cancellationToken: cancellationToken))).ToList();
        var functions = (await connection.QueryAsync<FunctionRow>(new CommandDefinition(FunctionsSql, new { roles }, cancellationToken: cancellationToken))).ToList();
        var columns = (await connection.QueryAsync<ColumnRow>(new CommandDefinition(ColumnsSql,
                new { oids = relations.Select(r => r.Oid).ToArray(), roles }, cancellationToken: cancellationToken)))
            .ToLookup(c => c.Oid);
        var resultColumns = (await connection.QueryAsync<ColumnRow>(new CommandDefinition(ResultColumnsSql,
                new { oids = functions.Select(f => f.Oid).ToArray() }, cancellationToken: cancellationToken)))
            .ToLookup(c => c.Oid);

        var objects = relations
            .Select(r => new DictionaryObject(r.Schema, r.Name, RelationKind(r.RelKind), null, null, r.Comment, r.Readers,
                columns[r.Oid].Select(c => new DictionaryColumn(c.Name, c.Type, c.Comment)).ToList()))
            .Concat(functions.Select(f => new DictionaryObject(f.Schema, f.Name, ObjectKind.Function, f.Arguments, f.Result, f.Comment, f.Readers,
                resultColumns[f.Oid].Select(c => new DictionaryColumn(c.Name, c.Type, null)).ToList())))
            .OrderBy(o => o.Schema, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ThenBy(o => o.Arguments, StringComparer.Ordinal)
            .ToList();

        var lineage = (await connection.QueryAsync<(string Dependent, string Dependency)>(new CommandDefinition(ViewDependenciesSql, cancellationToken: cancellationToken)))
            .Select(e => new LineageEdge(e.Dependent, e.Dependency, FromBody: false))
            .Concat(FunctionLineage(
                await connection.QueryAsync<(string Name, string Body)>(new CommandDefinition(FunctionBodiesSql, cancellationToken: cancellationToken)),
                (await connection.QueryAsync<string>(new CommandDefinition(KnownNamesSql, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal)))
            .Distinct()
            .OrderBy(e => e.Dependent, StringComparer.Ordinal).ThenBy(e => e.Dependency, StringComparer.Ordinal)
            .ToList();

        return new DataDictionary(version.ToString(), objects, lineage);
    }

    /// <summary>The known objects a function's body names schema-qualified (the layer's convention), itself excluded.</summary>
    internal static IEnumerable<LineageEdge> FunctionLineage(IEnumerable<(string Name, string Body)> functions, IReadOnlySet<string> known) =>
        functions.SelectMany(f => QualifiedName().Matches(StripComments(f.Body))
            .Select(m => m.Value)
            .Where(name => name != f.Name && known.Contains(name))
            .Distinct()
            .Select(name => new LineageEdge(f.Name, name, FromBody: true)));

    // A name in a comment of the body ("-- unlike marts.period_values ...") is not a read.
    private static string StripComments(string body) => LineComment().Replace(body, "");

    private static ObjectKind RelationKind(string relKind) => relKind switch
    {
        "v" => ObjectKind.View,
        "m" => ObjectKind.MaterializedView,
        "f" => ObjectKind.ForeignTable,
        _ => ObjectKind.Table,
    };

    [GeneratedRegex(@"\b[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\b")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();
}
