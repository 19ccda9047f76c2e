using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>
/// Grouping at the source is byte for byte on every dialect, whatever the column's collation: 'C01', 'c01' and
/// 'C01 ' are three units and 'gps' is not 'GPS', as in the org file and the code map. Codes are any text the
/// source can hold (spaces, Chinese), and each maps exactly as written.
/// </summary>
public sealed class ExactGroupingTests
{
    private static readonly DateOnly March2 = new(2025, 3, 2);

    private static async Task AssertExactAsync(PipelineHarness h, string stream, string category)
    {
        var results = await h.RunOnceAsync();
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));

        // Only the exact spellings count: one row of C01 with the mapped code, one of T01 with the Chinese code.
        Assert.Equal(1, await h.FactAsync(stream, "C01", category, "count", March2));
        Assert.Equal(1, await h.FactAsync(stream, "T01", category, "count", March2));
        var quarantine = await h.QueryAsync<(string Reason, string Unit, string Code, long Rows)>(
            "SELECT reason, unit_code, source_code, row_count FROM ops.quarantine WHERE stream = @stream ORDER BY reason, unit_code COLLATE \"C\", source_code COLLATE \"C\"",
            new { stream });
        Assert.Equal(
            [
                ("unknown_unit", "C01 ", "GPS", 1L),
                ("unknown_unit", "c01", "GPS", 1L),
                ("unmapped_code", "T01", "GPS ", 1L),
                ("unmapped_code", "T01", "gps", 1L),
            ],
            quarantine);
        Assert.Equal(0, await h.ScalarAsync<long>(
            "SELECT count(*) FROM ops.windows WHERE status = 'succeeded' AND source_rows <> fact_rows + quarantined_rows"));
    }

    private static StreamOptions Stream(string name, string table, string timestamp, string kind) => new()
    {
        Name = name, Table = table, Timestamp = timestamp, TimestampKind = kind, Unit = "unit_code", Code = "kind",
        Categories = new() { ["GPS"] = "check_in", ["定位 打卡"] = "check_in" },
    };

    [Fact]
    public async Task RunOnce_MariaDbCaseAndPadInsensitiveCollations_GroupsByExactText()
    {
        await using var h = await PipelineHarness.CreateAsync("exact_mariadb");
        // The server's defaults (utf8mb4_general_ci, PAD SPACE) on one column, and a GBK column with its
        // case-insensitive collation on the other: neither may merge spellings.
        var database = await TestMariaDb.CreateDatabaseAsync("exact", """
            CREATE TABLE checkins (
                id INT AUTO_INCREMENT PRIMARY KEY,
                unit_code VARCHAR(20),
                kind VARCHAR(20) CHARACTER SET gbk COLLATE gbk_chinese_ci,
                checked DATETIME);
            INSERT INTO checkins (unit_code, kind, checked) VALUES
              ('C01', 'GPS', '2025-03-02 10:00:00'), ('c01', 'GPS', '2025-03-02 10:00:00'), ('C01 ', 'GPS', '2025-03-02 10:00:00'),
              ('T01', 'gps', '2025-03-02 10:00:00'), ('T01', 'GPS ', '2025-03-02 10:00:00'), ('T01', '定位 打卡', '2025-03-02 10:00:00');
            """);
        h.Options.Sources =
        [
            new SourceOptions
            {
                Name = "grid-mysql", Provider = "mysql", ConnectionString = database, TimeZone = "Asia/Shanghai",
                Streams = [Stream("checkins", "checkins", "checked", "local")],
            },
        ];

        await AssertExactAsync(h, "checkins", "check_in");
    }

    [Fact]
    public async Task RunOnce_PostgresNonDeterministicCollation_GroupsByExactText()
    {
        await using var h = await PipelineHarness.CreateAsync("exact_pg");
        await h.ExecuteSourceAsync("""
            CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE TABLE oa.checkins (id serial PRIMARY KEY, unit_code text COLLATE case_insensitive, kind text COLLATE case_insensitive, checked_at timestamptz);
            INSERT INTO oa.checkins (unit_code, kind, checked_at) VALUES
              ('C01', 'GPS', '2025-03-02 02:00+00'), ('c01', 'GPS', '2025-03-02 02:00+00'), ('C01 ', 'GPS', '2025-03-02 02:00+00'),
              ('T01', 'gps', '2025-03-02 02:00+00'), ('T01', 'GPS ', '2025-03-02 02:00+00'), ('T01', '定位 打卡', '2025-03-02 02:00+00');
            """);
        // The collation really merges the spellings, so the test would see a merge if the query kept it.
        Assert.Equal(2, await ScalarOnSourceAsync(h, "SELECT count(*) FROM oa.checkins WHERE unit_code = 'C01'"));
        h.Options.Sources[0].Streams = [Stream("checkins", "oa.checkins", "checked_at", "utc")];
        h.Options.Sources.RemoveAt(1);

        await AssertExactAsync(h, "checkins", "check_in");
    }

    [Fact]
    public async Task RunOnce_SqliteNoCaseAndRtrimColumns_GroupsByExactText()
    {
        await using var h = await PipelineHarness.CreateAsync("exact_sqlite");
        await h.ExecuteSqliteAsync("""
            CREATE TABLE gps_checkins (id INTEGER PRIMARY KEY, unit_code TEXT COLLATE NOCASE, kind TEXT COLLATE RTRIM, checked_at TEXT);
            INSERT INTO gps_checkins (unit_code, kind, checked_at) VALUES
              ('C01', 'GPS', '2025-03-02 10:00:00'), ('c01', 'GPS', '2025-03-02 10:00:00'), ('C01 ', 'GPS', '2025-03-02 10:00:00'),
              ('T01', 'gps', '2025-03-02 10:00:00'), ('T01', 'GPS ', '2025-03-02 10:00:00'), ('T01', '定位 打卡', '2025-03-02 10:00:00');
            """);
        h.Options.Sources[1].Streams = [Stream("checkins", "gps_checkins", "checked_at", "local")];
        h.Options.Sources.RemoveAt(0);

        await AssertExactAsync(h, "checkins", "check_in");
    }

    private static async Task<long> ScalarOnSourceAsync(PipelineHarness h, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(h.DepartmentDb);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
