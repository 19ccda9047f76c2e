using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace MetricsPipeline.Benchmarks.Province;

/// <summary>
/// Writes the three department databases of <see cref="ProvinceShape"/>. Nothing is held in memory: the
/// PostgreSQL and MariaDB rows are made on the server (INSERT … SELECT over generate_series / the sequence
/// engine), the SQLite rows are streamed through one prepared INSERT in one transaction. Seeded: the same
/// tree and days give the same rows (setseed, RAND(N), System.Random(N)).
/// Local days are Asia/Shanghai (UTC+8 all year since 1991), so a local midnight is a UTC midnight − 8 h.
/// </summary>
internal static class ProvinceGenerator
{
    private const int Seed = 4242;
    private const long ShanghaiOffsetSeconds = 8 * 3600;

    private static long LocalMidnightEpoch(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds() - ShanghaiOffsetSeconds;

    private static IEnumerable<EventKind> KindsOf(string source) => ProvinceShape.Kinds.Where(k => k.Source == source);

    /// <summary>
    /// village-app: events(id, unit_code, code, occurred_at timestamptz) with an index on occurred_at, and the
    /// helper table villages(code). Check-ins at 07:00–09:00 local; forms and data requests on a work day, 08:00–18:00.
    /// Each kind is one INSERT whose outer loop is the day or week, so the log is in time order as an app's is.
    /// </summary>
    public static async Task<TimeSpan> VillageAppAsync(string admin, string database, IReadOnlyList<string> villages, DateOnly from, DateOnly to)
    {
        var stopwatch = Stopwatch.StartNew();
        await Database.RecreateAsync(admin, database);
        await using var connection = new NpgsqlConnection(Database.ConnectionString(admin, database));
        await connection.OpenAsync();
        await Database.ExecuteAsync(connection, """
            CREATE TABLE villages (code text PRIMARY KEY);
            CREATE TABLE events (id bigserial, unit_code text, code text, occurred_at timestamptz);
            """);
        await using (var import = await connection.BeginTextImportAsync("COPY villages (code) FROM STDIN"))
            foreach (var code in villages)
                await import.WriteLineAsync(code);
        await Database.ExecuteAsync(connection, "ANALYZE villages");
        await Database.ExecuteAsync(connection, FormattableString.Invariant($"SELECT setseed({Seed / 10000.0})"));

        var days = to.DayNumber - from.DayNumber + 1;
        var firstMidnight = LocalMidnightEpoch(from);
        var mondays = string.Join(",", ProvinceShape.WorkWeeks(from, to).Select(m => LocalMidnightEpoch(m).ToString(CultureInfo.InvariantCulture)));
        foreach (var kind in KindsOf(ProvinceShape.VillageApp))
        {
            // OFFSET 0 and the lateral reference keep the day (or week) the outer loop: rows come out in time order.
            var (periods, at) = kind.Cadence == Cadence.Daily
                ? ($"(SELECT {firstMidnight} + i * 86400 AS epoch FROM generate_series(0, {days - 1}) AS i)", "p.epoch + 7 * 3600 + random() * 7200")
                : ($"(SELECT unnest(ARRAY[{mondays}]::bigint[]) AS epoch)", "p.epoch + floor(random() * 5) * 86400 + 8 * 3600 + random() * 36000");
            await Database.ExecuteAsync(connection, $"""
                INSERT INTO events (unit_code, code, occurred_at)
                SELECT v.code, '{kind.Code}', to_timestamp({at})
                FROM {periods} AS p
                CROSS JOIN LATERAL (SELECT code FROM villages WHERE p.epoch IS NOT NULL ORDER BY code OFFSET 0) AS v
                CROSS JOIN generate_series(1, {kind.PerUnit}) AS k
                """);
        }
        await Database.ExecuteAsync(connection, "CREATE INDEX events_occurred_at_idx ON events (occurred_at)");
        // Hint bits, visibility map and statistics settled before anything is timed.
        await Database.ExecuteAsync(connection, "VACUUM (ANALYZE) events");
        return stopwatch.Elapsed;
    }

    /// <summary>
    /// township-oa on MariaDB: documents(received_at, pages), meetings(started_at, minutes, attendees),
    /// inspections(started_at), DATETIME in local time, each indexed on its timestamp; rows made on the
    /// server by joining townships × weeks × the sequence engine's seq_1_to_N.
    /// </summary>
    public static async Task<TimeSpan> TownshipOaAsync(string server, string database, IReadOnlyList<string> townships, DateOnly from, DateOnly to)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(server) { Database = "", DefaultCommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync();
        async Task Execute(string sql)
        {
            await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
        await Execute($"DROP DATABASE IF EXISTS `{database}`");
        await Execute($"CREATE DATABASE `{database}` CHARACTER SET utf8mb4");
        await Execute($"USE `{database}`");
        await Execute("""
            CREATE TABLE townships (code VARCHAR(16) PRIMARY KEY);
            CREATE TABLE weeks (monday DATE PRIMARY KEY);
            CREATE TABLE documents (id BIGINT AUTO_INCREMENT PRIMARY KEY, unit_code VARCHAR(16) NOT NULL, code VARCHAR(16) NOT NULL,
                                    received_at DATETIME NOT NULL, pages INT NOT NULL, KEY (received_at));
            CREATE TABLE meetings (id BIGINT AUTO_INCREMENT PRIMARY KEY, unit_code VARCHAR(16) NOT NULL, code VARCHAR(16) NOT NULL,
                                   started_at DATETIME NOT NULL, minutes INT NOT NULL, attendees INT NOT NULL, KEY (started_at));
            CREATE TABLE inspections (id BIGINT AUTO_INCREMENT PRIMARY KEY, unit_code VARCHAR(16) NOT NULL, code VARCHAR(16) NOT NULL,
                                      started_at DATETIME NOT NULL, KEY (started_at));
            """);
        foreach (var chunk in townships.Chunk(1000))
            await Execute("INSERT INTO townships (code) VALUES " + string.Join(",", chunk.Select(c => $"('{c}')")));
        foreach (var chunk in ProvinceShape.WorkWeeks(from, to).Chunk(1000))
            await Execute("INSERT INTO weeks (monday) VALUES " + string.Join(",", chunk.Select(m => $"('{m:yyyy-MM-dd}')")));

        // At a work day of the week, 08:00–18:00 local; each RAND(N) is its own seeded sequence within the statement.
        const string at = "TIMESTAMP(w.monday) + INTERVAL FLOOR(RAND({0}) * 5) DAY + INTERVAL FLOOR(8 * 3600 + RAND({1}) * 36000) SECOND";
        var seed = Seed;
        foreach (var kind in KindsOf(ProvinceShape.TownshipOa))
        {
            var time = string.Format(CultureInfo.InvariantCulture, at, seed++, seed++);
            var (columns, values) = (kind.Stream, kind.Code) switch
            {
                ("documents", "FORMAL") => ("received_at, pages", $"{time}, 2 + FLOOR(RAND({seed++}) * 11)"),
                ("documents", _) => ("received_at, pages", $"{time}, 1 + FLOOR(RAND({seed++}) * 4)"),
                ("meetings", "OFFLINE") => ("started_at, minutes, attendees", $"{time}, 30 + FLOOR(RAND({seed++}) * 121), 5 + FLOOR(RAND({seed++}) * 26)"),
                ("meetings", _) => ("started_at, minutes, attendees", $"{time}, 20 + FLOOR(RAND({seed++}) * 71), 10 + FLOOR(RAND({seed++}) * 51)"),
                ("inspections", _) => ("started_at", time),
                _ => throw new InvalidOperationException($"no township-oa table for {kind.Stream}/{kind.Code}"),
            };
            await Execute($"""
                INSERT INTO {kind.Stream} (unit_code, code, {columns})
                SELECT t.code, '{kind.Code}', {values}
                FROM weeks w JOIN townships t JOIN seq_1_to_{kind.PerUnit} k
                ORDER BY w.monday, t.code, k.seq
                """);
        }
        foreach (var table in new[] { "documents", "meetings", "inspections" })
            await Execute($"ANALYZE TABLE {table}");
        return stopwatch.Elapsed;
    }

    /// <summary>county-office as a SQLite file: documents(issued_at text, pages) and tasks(issued_at text), local ISO text.</summary>
    public static TimeSpan CountyOffice(string path, IReadOnlyList<string> counties, DateOnly from, DateOnly to)
    {
        var stopwatch = Stopwatch.StartNew();
        File.Delete(path);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        connection.Open();
        using (var ddl = connection.CreateCommand())
        {
            ddl.CommandText = """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE documents (id INTEGER PRIMARY KEY, unit_code TEXT NOT NULL, code TEXT NOT NULL, issued_at TEXT NOT NULL, pages INTEGER NOT NULL);
                CREATE TABLE tasks (id INTEGER PRIMARY KEY, unit_code TEXT NOT NULL, code TEXT NOT NULL, issued_at TEXT NOT NULL);
                """;
            ddl.ExecuteNonQuery();
        }
        var random = new Random(Seed);
        using var transaction = connection.BeginTransaction();
        foreach (var kind in KindsOf(ProvinceShape.CountyOffice))
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            var pages = kind.Stream == "documents";
            insert.CommandText = pages
                ? "INSERT INTO documents (unit_code, code, issued_at, pages) VALUES ($unit, $code, $at, $pages)"
                : $"INSERT INTO {kind.Stream} (unit_code, code, issued_at) VALUES ($unit, $code, $at)";
            var unit = insert.Parameters.Add("$unit", SqliteType.Text);
            insert.Parameters.AddWithValue("$code", kind.Code);
            var at = insert.Parameters.Add("$at", SqliteType.Text);
            var pageCount = pages ? insert.Parameters.Add("$pages", SqliteType.Integer) : null;
            insert.Prepare();
            foreach (var monday in ProvinceShape.WorkWeeks(from, to))
                foreach (var county in counties)
                    for (var k = 0; k < kind.PerUnit; k++)
                    {
                        var time = monday.ToDateTime(TimeOnly.MinValue).AddDays(random.Next(5)).AddSeconds(8 * 3600 + random.Next(36000));
                        unit.Value = county;
                        at.Value = time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                        if (pageCount is not null) pageCount.Value = 2 + random.Next(15);
                        insert.ExecuteNonQuery();
                    }
        }
        using (var index = connection.CreateCommand())
        {
            index.Transaction = transaction;
            index.CommandText = "CREATE INDEX documents_issued_at ON documents (issued_at); CREATE INDEX tasks_issued_at ON tasks (issued_at); ANALYZE;";
            index.ExecuteNonQuery();
        }
        transaction.Commit();
        return stopwatch.Elapsed;
    }

    /// <summary>
    /// Late rows for the service round: one data request more for each of the first <paramref name="count"/>
    /// villages on <paramref name="day"/> at 15:00 local, as an app's late sync would bring.
    /// </summary>
    public static async Task<int> AddLateVillageEventsAsync(string villageApp, DateOnly day, int count)
    {
        await using var connection = new NpgsqlConnection(villageApp);
        await connection.OpenAsync();
        return await Database.ExecuteAsync(connection, $"""
            INSERT INTO events (unit_code, code, occurred_at)
            SELECT code, 'DATAREQ', to_timestamp({LocalMidnightEpoch(day) + 15 * 3600}) FROM villages ORDER BY code LIMIT {count}
            """);
    }
}
