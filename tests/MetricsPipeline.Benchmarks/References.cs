using System.Diagnostics;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace MetricsPipeline.Benchmarks;

internal sealed record FdwResult(TimeSpan Wall, long Rows, decimal CountSum, bool AggregatePushedDown, string RemoteSql);

internal sealed record CopyResult(TimeSpan Wall, long Rows);

/// <summary>
/// The two yardsticks, on the same server and the same data as the pipeline, in a database of their own
/// (bench_ref): what a DBA would write with postgres_fdw, and the raw speed of a binary COPY.
/// </summary>
internal static class References
{
    private const string FactsColumns = """
        source     text        NOT NULL,
        stream     text        NOT NULL,
        day        date        NOT NULL,
        unit_code  text        NOT NULL,
        category   text        NOT NULL,
        measure    text        NOT NULL,
        value      numeric     NOT NULL,
        loaded_at  timestamptz NOT NULL,
        window_id  bigint      NOT NULL
        """;

    /// <summary>Creates the postgres_fdw server for the source database and imports its events table as src.events.</summary>
    public static async Task SetUpFdwAsync(string admin, string database, string sourceDatabase, int fetchSize)
    {
        var server = new NpgsqlConnectionStringBuilder(admin);
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, database));
        await connection.OpenAsync();
        await Database.ExecuteAsync(connection, "CREATE EXTENSION postgres_fdw");
        await Database.ExecuteAsync(connection, $"""
            CREATE SERVER bench_source FOREIGN DATA WRAPPER postgres_fdw
            OPTIONS (host '{server.Host}', port '{server.Port}', dbname '{sourceDatabase}', fetch_size '{fetchSize}')
            """);
        await Database.ExecuteAsync(connection,
            $"CREATE USER MAPPING FOR CURRENT_USER SERVER bench_source OPTIONS (user '{server.Username ?? "postgres"}'{(server.Password is { } pw ? $", password '{pw.Replace("'", "''", StringComparison.Ordinal)}'" : "")})");
        await Database.ExecuteAsync(connection, "CREATE SCHEMA src");
        await Database.ExecuteAsync(connection, "IMPORT FOREIGN SCHEMA public LIMIT TO (events) FROM SERVER bench_source INTO src");
    }

    /// <summary>
    /// (a) One INSERT … SELECT … GROUP BY through postgres_fdw into a fresh table shaped like facts.daily (same
    /// columns, same primary key). Only the INSERT is timed.
    /// <paramref name="fixedOffset"/> false: the local day as a DBA writes it, AT TIME ZONE 'Asia/Shanghai'. PostgreSQL 15's
    /// postgres_fdw does not ship that expression (its collatable zone argument comes from a constant), so the
    /// source sends every event and the aggregation runs in the warehouse.
    /// <paramref name="fixedOffset"/> true: AT TIME ZONE INTERVAL '+08:00' (the same days: Shanghai has no daylight
    /// saving), which postgres_fdw ships, so the GROUP BY runs at the source, as the pipeline's does.
    /// </summary>
    public static Task<FdwResult> PostgresFdwAsync(string admin, string database, string table, int codes, bool pages, bool fixedOffset) =>
        PostgresFdwAsync(admin, database, table,
            Enumerable.Range(1, codes).Select(i => KeyValuePair.Create(BenchmarkShape.Code(i), BenchmarkShape.CategoryOf(i))).ToList(),
            pages, fixedOffset, BenchmarkShape.SourceName, BenchmarkShape.StreamName);

    /// <summary>The same for any source events(unit_code, code, occurred_at[, pages]) with its code → category map.</summary>
    public static async Task<FdwResult> PostgresFdwAsync(
        string admin, string database, string table, IReadOnlyList<KeyValuePair<string, string>> codeCategories, bool pages, bool fixedOffset,
        string sourceName, string streamName)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, database));
        await connection.OpenAsync();
        await Database.ExecuteAsync(connection, $"""
            CREATE TABLE {table} (
            {FactsColumns},
                PRIMARY KEY (source, stream, day, unit_code, category, measure)
            )
            """);

        var category = new StringBuilder("CASE e.code");
        foreach (var (code, name) in codeCategories)
            category.Append($" WHEN '{code}' THEN '{name}'");
        category.Append(" END");
        var zone = fixedOffset ? "INTERVAL '+08:00'" : $"'{BenchmarkShape.TimeZone}'";
        var day = $"CAST(e.occurred_at AT TIME ZONE {zone} AS date)";
        var insert = pages
            ? $"""
              INSERT INTO {table} (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
              SELECT '{sourceName}', '{streamName}', a.day, a.unit_code, a.category, v.measure, v.value, now(), 0
              FROM (SELECT {day} AS day, e.unit_code, {category} AS category, count(*) AS n, sum(e.pages) AS pages
                    FROM src.events e GROUP BY 1, 2, 3) AS a
              CROSS JOIN LATERAL (VALUES ('count', CAST(a.n AS numeric)), ('pages', CAST(a.pages AS numeric))) AS v(measure, value)
              """
            : $"""
              INSERT INTO {table} (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
              SELECT '{sourceName}', '{streamName}', {day}, e.unit_code, {category}, 'count', count(*), now(), 0
              FROM src.events e
              GROUP BY 3, 4, 5
              """;

        var plan = await Database.LinesAsync(connection, "EXPLAIN (VERBOSE) " + insert);
        var remote = plan.Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Remote SQL:", StringComparison.Ordinal)) ?? "";
        var pushedDown = remote.Contains("GROUP BY", StringComparison.Ordinal);

        var stopwatch = Stopwatch.StartNew();
        var rows = await Database.ExecuteAsync(connection, insert);
        stopwatch.Stop();
        var countSum = await Database.ScalarAsync<decimal>(connection, $"SELECT coalesce(sum(value), 0) FROM {table} WHERE measure = 'count'");
        return new FdwResult(stopwatch.Elapsed, rows, countSum, pushedDown, remote);
    }

    /// <summary>
    /// (b) A plain binary COPY (NpgsqlBinaryImporter) of <paramref name="rows"/> rows with facts.daily's
    /// columns into a table without any index or key. The rows are made up in this process and streamed;
    /// the time is from starting the COPY to its completion.
    /// </summary>
    public static async Task<CopyResult> BinaryCopyAsync(string admin, string database, long rows, int units, int codes, DateOnly from)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, database));
        await connection.OpenAsync();
        await Database.ExecuteAsync(connection, $"CREATE TABLE copy_facts ({FactsColumns})");
        var unitCodes = Enumerable.Range(1, units).Select(i => BenchmarkShape.UnitCode(i, units)).ToArray();
        var categories = Enumerable.Range(1, codes).Select(BenchmarkShape.CategoryOf).ToArray();
        var loadedAt = DateTime.UtcNow;

        var stopwatch = Stopwatch.StartNew();
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY copy_facts (source, stream, day, unit_code, category, measure, value, loaded_at, window_id) FROM STDIN (FORMAT BINARY)"))
        {
            for (long i = 0; i < rows; i++)
            {
                var cell = i / unitCodes.Length;
                importer.StartRow();
                importer.Write(BenchmarkShape.SourceName, NpgsqlDbType.Text);
                importer.Write(BenchmarkShape.StreamName, NpgsqlDbType.Text);
                importer.Write(from.AddDays((int)(cell / categories.Length % 3650)), NpgsqlDbType.Date);
                importer.Write(unitCodes[i % unitCodes.Length], NpgsqlDbType.Text);
                importer.Write(categories[cell % categories.Length], NpgsqlDbType.Text);
                importer.Write("count", NpgsqlDbType.Text);
                importer.Write((decimal)(1 + i % 3), NpgsqlDbType.Numeric);
                importer.Write(loadedAt, NpgsqlDbType.TimestampTz);
                importer.Write(1 + i / 300_000, NpgsqlDbType.Bigint);
            }
            await importer.CompleteAsync();
        }
        stopwatch.Stop();
        return new CopyResult(stopwatch.Elapsed, rows);
    }
}
