using Dapper;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Warehouse;

/// <summary>One report of plpgsql_check about one statement of one function.</summary>
internal sealed record PlpgsqlFinding(
    string Function, int? Line, string? Statement, string Level, string? SqlState, string Message, string? Detail, string? Query)
{
    /// <summary>plpgsql_check's levels are "error", "warning", "warning extra", "performance", "security", "compatibility".</summary>
    public bool IsError => Level == "error";

    public override string ToString()
    {
        var text = $"{Function} line {Line?.ToString() ?? "-"} ({Statement ?? "function"}) {Level} {SqlState}: {Message}";
        if (Detail is { Length: > 0 })
            text += $" [{Detail}]";
        if (Query is { Length: > 0 })
        {
            var oneLine = string.Join(' ', Query.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
            text += $"\n      in: {oneLine[..Math.Min(oneLine.Length, 160)]}";
        }
        return text;
    }
}

/// <summary>
/// Runs the plpgsql_check extension (Debian's postgresql-NN-plpgsql-check, installed by ops/scripts/test.sh)
/// over every PL/pgSQL function of some schemas. The extension is created in the test database only: the
/// warehouse's functions must run without it (their pragmas are plain string PERFORMs).
/// </summary>
internal static class PlpgsqlCheck
{
    public static async Task CreateExtensionAsync(NpgsqlConnection db) =>
        await db.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS plpgsql_check");

    /// <summary>The PL/pgSQL functions and procedures of the schemas, as schema.name.</summary>
    public static async Task<List<string>> FunctionsAsync(NpgsqlConnection db, string[] schemas) =>
        (await db.QueryAsync<string>("""
            SELECT DISTINCT n.nspname || '.' || p.proname
            FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_language l ON l.oid = p.prolang
            WHERE l.lanname = 'plpgsql' AND n.nspname = ANY (@schemas)
            ORDER BY 1
            """, new { schemas })).ToList();

    /// <summary>
    /// Every finding of every PL/pgSQL function of the schemas: all errors (fatal_errors off, so one error
    /// does not hide the next) and every class of warning. A trigger function is checked against each table
    /// whose trigger calls it; one no trigger uses makes plpgsql_check raise, which fails the caller loudly.
    /// </summary>
    public static async Task<List<PlpgsqlFinding>> CheckAsync(NpgsqlConnection db, string[] schemas) =>
        (await db.QueryAsync<PlpgsqlFinding>("""
            SELECT n.nspname || '.' || p.proname AS function, cf.lineno AS line, cf.statement, cf.level,
                   cf.sqlstate, cf.message, nullif(cf.detail, '') AS detail, cf.query
            FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_language l ON l.oid = p.prolang
            LEFT JOIN LATERAL (SELECT DISTINCT t.tgrelid FROM pg_trigger t WHERE t.tgfoid = p.oid) trig ON true
            CROSS JOIN LATERAL plpgsql_check_function_tb(
                p.oid, relid => coalesce(trig.tgrelid, 0), fatal_errors => false,
                other_warnings => true, extra_warnings => true, performance_warnings => true,
                security_warnings => true, compatibility_warnings => true) cf
            WHERE l.lanname = 'plpgsql' AND n.nspname = ANY (@schemas)
            ORDER BY 1, cf.lineno NULLS FIRST, cf.message
            """, new { schemas }, commandTimeout: 300)).ToList();
}
