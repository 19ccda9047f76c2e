using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace MetricsPipeline.Benchmarks;

/// <summary>
/// Builds the department database bench_source entirely on the server (INSERT … SELECT … generate_series),
/// so no event ever passes through this process, and writes the matching org-units CSV.
/// </summary>
internal static class SourceGenerator
{
    /// <summary>
    /// events(id bigserial, unit_code text, code text, occurred_at timestamptz, pages int), indexed on
    /// occurred_at. Units and codes are uniform; times are uniform over [from, to] local days and ascend with
    /// id (as in an append-only event log), with a random offset inside each event's slot. Seeded: the same
    /// arguments give the same rows.
    /// </summary>
    public static async Task<TimeSpan> CreateSourceAsync(string admin, string database, long events, int units, int codes, DateOnly from, DateOnly to)
    {
        var stopwatch = Stopwatch.StartNew();
        await Database.RecreateAsync(admin, database);
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, database));
        await connection.OpenAsync();
        await Database.ExecuteAsync(connection, """
            CREATE TABLE events (
                id          bigserial,
                unit_code   text,
                code        text,
                occurred_at timestamptz,
                pages       int
            )
            """);
        // Local midnights in Asia/Shanghai, as epoch seconds: [first day 00:00, day after the last 00:00).
        var zone = TimeZoneInfo.FindSystemTimeZoneById(BenchmarkShape.TimeZone);
        var startEpoch = new DateTimeOffset(Normalize.LocalCalendar.StartOfDayUtc(from, zone)).ToUnixTimeSeconds();
        var endEpoch = new DateTimeOffset(Normalize.LocalCalendar.StartOfDayUtc(to.AddDays(1), zone)).ToUnixTimeSeconds();
        var step = (endEpoch - startEpoch) / (double)events;
        var width = Math.Max(4, units.ToString(CultureInfo.InvariantCulture).Length);
        await Database.ExecuteAsync(connection, "SELECT setseed(0.4242)");
        await Database.ExecuteAsync(connection, $"""
            INSERT INTO events (unit_code, code, occurred_at, pages)
            SELECT 'U' || lpad((1 + floor(random() * {units}))::int::text, {width}, '0'),
                   'C' || (1 + floor(random() * {codes}))::int,
                   to_timestamp({startEpoch} + ((g - 1) + random()) * {step.ToString("R", CultureInfo.InvariantCulture)}),
                   1 + floor(random() * 20)::int
            FROM generate_series(1, {events}) AS g
            """);
        await Database.ExecuteAsync(connection, "CREATE INDEX events_occurred_at_idx ON events (occurred_at)");
        // Hint bits, visibility map and statistics settled before anything is timed, so neither the
        // pipeline nor the references pays for the first read of fresh rows.
        await Database.ExecuteAsync(connection, "VACUUM (ANALYZE) events");
        return stopwatch.Elapsed;
    }

    /// <summary>A city, counties, townships and the units as villages (20 per township, 10 townships per county).</summary>
    public static void WriteOrgUnits(string path, int units)
    {
        var townships = (units + 19) / 20;
        var counties = (townships + 9) / 10;
        var csv = new StringBuilder("code,name,parent_code,level,headcount\n");
        csv.Append("CITY,Bench City,,city,2000\n");
        for (var c = 1; c <= counties; c++)
            csv.Append(CultureInfo.InvariantCulture, $"K{c:D3},County {c},CITY,county,300\n");
        for (var t = 1; t <= townships; t++)
            csv.Append(CultureInfo.InvariantCulture, $"T{t:D4},Township {t},K{(t - 1) / 10 + 1:D3},township,40\n");
        for (var v = 1; v <= units; v++)
        {
            var code = BenchmarkShape.UnitCode(v, units);
            csv.Append(CultureInfo.InvariantCulture, $"{code},Village {v},T{(v - 1) / 20 + 1:D4},village,{5 + v % 7}\n");
        }
        File.WriteAllText(path, csv.ToString());
    }
}

/// <summary>Small helpers around the admin connection.</summary>
internal static class Database
{
    public static string ConnectionString(string admin, string database) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = database, Pooling = false, CommandTimeout = 0 }.ConnectionString;

    public static async Task RecreateAsync(string admin, string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(admin, "postgres"));
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        await ExecuteAsync(connection, $"CREATE DATABASE \"{database}\"");
    }

    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    public static async Task<List<string>> LinesAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add(reader.IsDBNull(0) ? "" : reader.GetValue(0).ToString() ?? "");
        return lines;
    }
}
