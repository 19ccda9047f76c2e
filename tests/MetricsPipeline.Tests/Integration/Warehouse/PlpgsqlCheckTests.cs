using System.Text.RegularExpressions;
using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Warehouse;

/// <summary>
/// The linter of the warehouse's PL/pgSQL: plpgsql_check over every PL/pgSQL function of the layer. Zero errors;
/// every warning is fixed or on <see cref="AllowList"/> with its reason (the same reason stands in a comment
/// beside the statement in its sql/ file). Temp tables the functions create at run time are declared to the
/// check with string pragmas (PERFORM 'PRAGMA:TABLE: ...'), which need no extension in production.
/// </summary>
public sealed partial class PlpgsqlCheckTests
{
    private static readonly string[] WarehouseSchemas = ["ref", "facts", "ops", "marts"];
    private static readonly SqlLayer Layer = SqlLayer.Load(typeof(SqlLayer).Assembly);

    [GeneratedRegex(@"\bAS\s+\$[A-Za-z_]*\$")]
    private static partial Regex BodyStart();

    /// <summary>
    /// Where a finding is in its layer file: plpgsql_check counts lines from the start of the function body
    /// (line 1 is the rest of the line holding "AS $fn$").
    /// </summary>
    private static string Located(PlpgsqlFinding finding)
    {
        var file = Layer.Files.FirstOrDefault(f =>
            f.Path.Split('/')[0] + "." + Path.GetFileNameWithoutExtension(f.Path) == finding.Function);
        var body = file is null ? null : BodyStart().Match(file.Content);
        if (file is null || body is not { Success: true } || finding.Line is null)
            return finding.ToString();
        var fileLine = file.Content[..body.Index].Count(c => c == '\n') + finding.Line.Value;
        return $"sql/{file.Path}:{fileLine}: {finding}";
    }

    /// <summary>A finding plpgsql_check may report: function, a regex its message must match, and why it stays.</summary>
    private sealed record AllowedFinding(string Function, string MessagePattern, string Reason, bool CoversErrors = false)
    {
        public bool Matches(PlpgsqlFinding finding) =>
            finding.Function == Function && Regex.IsMatch(finding.Message, MessagePattern) && (CoversErrors || !finding.IsError);
    }

    private static readonly AllowedFinding[] AllowList =
    [
        // Empty: every finding so far was fixed in its file. An entry needs the reason beside it and in a
        // comment next to the statement in the layer file.
    ];

    [Fact]
    public async Task EveryPlpgsqlFunctionOfTheWarehouse_PassesPlpgsqlCheck_OrIsOnTheAllowList()
    {
        var warehouse = await TestPostgres.CreateWarehouseAsync("plcheck");
        await using var db = new NpgsqlConnection(warehouse);
        await db.OpenAsync();
        await PlpgsqlCheck.CreateExtensionAsync(db);

        var functions = await PlpgsqlCheck.FunctionsAsync(db, WarehouseSchemas);
        Assert.Superset(new HashSet<string> { "marts.refresh_periods", "marts.refresh_queued", "marts.refresh_signals" }, functions.ToHashSet());

        var findings = await PlpgsqlCheck.CheckAsync(db, WarehouseSchemas);
        var unexplained = findings.Where(f => !AllowList.Any(a => a.Matches(f))).ToList();
        var stale = AllowList.Where(a => !findings.Any(a.Matches)).ToList();

        Assert.True(unexplained.Count == 0,
            $"plpgsql_check over {string.Join(", ", functions)}: {unexplained.Count} finding(s) neither fixed nor on the allow-list " +
            "(fix each; a deliberate warning goes on AllowList with its reason, and the reason in a comment beside the statement):\n  " +
            string.Join("\n  ", unexplained.Select(Located)));
        Assert.True(stale.Count == 0,
            "allow-list entries that match no finding any more (remove them):\n  " +
            string.Join("\n  ", stale.Select(a => $"{a.Function} /{a.MessagePattern}/: {a.Reason}")));
    }

    [Fact]
    public async Task TheWarehousesPragmas_RunWithoutTheExtension()
    {
        var warehouse = await TestPostgres.CreateWarehouseAsync("plcheck_run");
        await using var db = new NpgsqlConnection(warehouse);
        await db.OpenAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql_check'"));

        // Both pass their pragmas on an empty warehouse: refresh_queued declares refresh_batch before it finds the
        // queue empty; refresh_signals declares all three of its tables and runs to the end.
        await using var tx = await db.BeginTransactionAsync();
        Assert.Empty(await db.QueryAsync("SELECT * FROM marts.refresh_queued()", transaction: tx));
        await db.ExecuteAsync("SELECT marts.refresh_signals(current_date - 800, current_date)", transaction: tx);
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM marts.signals", transaction: tx));
    }

    /// <summary>
    /// What the linter relies on, against the installed plpgsql_check: a temp table it cannot see is an error that
    /// stops the check of that statement, a TABLE pragma declares it (and the statements over it are then checked
    /// column by column), the pragma runs without the extension, and warnings are reported.
    /// </summary>
    [Fact]
    public async Task Linter_SeesUndeclaredTempTables_HonoursTablePragmas_AndReportsWarnings()
    {
        var database = await TestPostgres.CreateDatabaseAsync("plcheck_probe");
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await db.ExecuteAsync("""
            CREATE SCHEMA lint_probe;
            CREATE FUNCTION lint_probe.undeclared() RETURNS bigint LANGUAGE plpgsql AS $fn$
            DECLARE v bigint;
            BEGIN
                CREATE TEMP TABLE probe_rows ON COMMIT DROP AS SELECT g AS n FROM generate_series(1, 3) AS g;
                SELECT sum(n) INTO v FROM probe_rows;
                RETURN v;
            END $fn$;
            CREATE FUNCTION lint_probe.declared() RETURNS bigint LANGUAGE plpgsql AS $fn$
            DECLARE v bigint; w text;
            BEGIN
                CREATE TEMP TABLE probe_rows ON COMMIT DROP AS SELECT g AS n FROM generate_series(1, 3) AS g;
                PERFORM 'PRAGMA:TABLE: probe_rows (n integer)';
                SELECT sum(n) INTO v FROM probe_rows;
                RETURN v;
            END $fn$;
            CREATE FUNCTION lint_probe.wrong_column() RETURNS bigint LANGUAGE plpgsql AS $fn$
            BEGIN
                CREATE TEMP TABLE probe_rows ON COMMIT DROP AS SELECT g AS n FROM generate_series(1, 3) AS g;
                PERFORM 'PRAGMA:TABLE: probe_rows (n integer)';
                RETURN (SELECT sum(m) FROM probe_rows);
            END $fn$;
            """);
        await using (var tx = await db.BeginTransactionAsync())
        {
            Assert.Equal(6L, await db.ExecuteScalarAsync<long>("SELECT lint_probe.declared()", transaction: tx));
        }

        await PlpgsqlCheck.CreateExtensionAsync(db);
        var findings = await PlpgsqlCheck.CheckAsync(db, ["lint_probe"]);
        string Report() => string.Join("\n  ", findings);

        Assert.Contains(findings, f => f is { Function: "lint_probe.undeclared", IsError: true, SqlState: "42P01" }
                                       && f.Message.Contains("\"probe_rows\""));
        Assert.Contains(findings, f => f is { Function: "lint_probe.wrong_column", IsError: true, SqlState: "42703" });
        Assert.DoesNotContain(findings, f => f is { Function: "lint_probe.declared", IsError: true });
        Assert.True(findings.Any(f => f.Function == "lint_probe.declared" && f.Message == "unused variable \"w\""), Report());
    }
}
