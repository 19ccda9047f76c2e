using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>The mysql provider against a real MariaDB: local DATETIME, UTC DATETIME, TIMESTAMP, and a zone with daylight saving.</summary>
public sealed class MySqlSourceTests
{
    private const string Schema = """
        CREATE TABLE inspections (
            id INT AUTO_INCREMENT PRIMARY KEY, unit_code VARCHAR(20), kind VARCHAR(20), started_local DATETIME NULL,
            started_utc DATETIME NULL, recorded TIMESTAMP NULL DEFAULT NULL, inspection_days INT NULL, deleted TINYINT NOT NULL DEFAULT 0,
            KEY (started_local), KEY (started_utc));
        """;

    private static StreamOptions Stream(string name, string timestamp, string kind) => new()
    {
        Name = name, Table = "inspections", Where = "deleted = 0", Timestamp = timestamp, TimestampKind = kind, Unit = "unit_code", Code = "kind",
        Measures = new() { ["count"] = "*", ["days"] = "inspection_days" },
        Categories = new() { ["ONSITE"] = "inspection.onsite", ["REMOTE"] = "inspection.remote" },
    };

    private static async Task<PipelineHarness> HarnessAsync(string name, string insertSql, string zone = "Asia/Shanghai")
    {
        var h = await PipelineHarness.CreateAsync(name);
        var database = await TestMariaDb.CreateDatabaseAsync(name, Schema + insertSql);
        h.Options.Sources =
        [
            new SourceOptions
            {
                Name = "county-inspections", Provider = "mysql", ConnectionString = database, TimeZone = zone, LookbackDays = 7,
                Streams = [Stream("by_local", "started_local", "local"), Stream("by_utc", "started_utc", "utc"), Stream("by_timestamp", "recorded", "offset")],
            },
        ];
        return h;
    }

    [Fact]
    public async Task RunOnce_MariaDb_EachTimestampKindLandsOnTheBeijingDay()
    {
        await using var h = await HarnessAsync("mysql_kinds", """
            INSERT INTO inspections (unit_code, kind, started_local, started_utc, recorded, inspection_days) VALUES
              ('T01', 'ONSITE', '2025-03-01 23:59:59', '2025-03-01 15:59:59', '2025-03-01 15:59:59', 2),
              ('T01', 'ONSITE', '2025-03-02 00:00:00', '2025-03-01 16:00:00', '2025-03-01 16:00:00', 3),
              ('T02', 'REMOTE', '2025-03-02 08:00:00', '2025-03-02 00:00:00', '2025-03-02 00:00:00', 1),
              ('T02', 'REMOTE', '2025-03-02 09:00:00', '2025-03-02 01:00:00', '2025-03-02 01:00:00', 1);
            UPDATE inspections SET deleted = 1 WHERE unit_code = 'T02' AND started_local = '2025-03-02 09:00:00';
            """);

        var result = Assert.Single(await h.RunOnceAsync());
        Assert.True(result.Succeeded, result.Error);

        foreach (var stream in new[] { "by_local", "by_utc", "by_timestamp" })
        {
            Assert.Equal(1, await h.FactAsync(stream, "T01", "inspection.onsite", "count", new DateOnly(2025, 3, 1)));
            Assert.Equal(3, await h.FactAsync(stream, "T01", "inspection.onsite", "days", new DateOnly(2025, 3, 2)));
            Assert.Equal(1, await h.FactAsync(stream, "T02", "inspection.remote", "count", new DateOnly(2025, 3, 2)));
        }
        var ledger = await h.QueryAsync<(long Source, long Facts, long Quarantined)>(
            "SELECT sum(source_rows)::bigint, sum(fact_rows)::bigint, sum(quarantined_rows)::bigint FROM ops.windows");
        Assert.Equal((9L, 9L, 0L), Assert.Single(ledger));
    }

    [Fact]
    public async Task RunOnce_MariaDb_ZoneWithDaylightSaving_BucketsByTheRightOffsetOnBothSides()
    {
        // New York: UTC-5 until 2025-03-09 02:00 local, UTC-4 after. 04:30Z on the 9th is 23:30 on the 8th;
        // 04:30Z on the 10th is 00:30 on the 10th.
        await using var h = await HarnessAsync("mysql_dst", """
            INSERT INTO inspections (unit_code, kind, started_local, started_utc, recorded, inspection_days) VALUES
              ('V01', 'ONSITE', '2025-03-08 23:30:00', '2025-03-09 04:30:00', '2025-03-09 04:30:00', 1),
              ('V01', 'ONSITE', '2025-03-10 00:30:00', '2025-03-10 04:30:00', '2025-03-10 04:30:00', 1);
            """, zone: "America/New_York");
        h.Clock.SetUtcNow(new DateTimeOffset(2025, 3, 12, 0, 0, 0, TimeSpan.Zero));

        var result = Assert.Single(await h.RunOnceAsync());
        Assert.True(result.Succeeded, result.Error);

        Assert.Equal(1, await h.FactAsync("by_utc", "V01", "inspection.onsite", "count", new DateOnly(2025, 3, 8)));
        Assert.Equal(1, await h.FactAsync("by_utc", "V01", "inspection.onsite", "count", new DateOnly(2025, 3, 10)));
        Assert.Equal(1, await h.FactAsync("by_timestamp", "V01", "inspection.onsite", "count", new DateOnly(2025, 3, 8)));
        Assert.Equal(1, await h.FactAsync("by_local", "V01", "inspection.onsite", "count", new DateOnly(2025, 3, 10)));
    }

    [Fact]
    public async Task RunOnce_MariaDb_BadRowsAreQuarantinedAndReconcile()
    {
        await using var h = await HarnessAsync("mysql_bad", """
            INSERT INTO inspections (unit_code, kind, started_local, started_utc, recorded, inspection_days) VALUES
              (NULL, 'ONSITE', '2025-03-02 10:00:00', '2025-03-02 02:00:00', NULL, 1),
              ('X9', 'ONSITE', '2025-03-02 10:00:00', '2025-03-02 02:00:00', NULL, 1),
              ('T01', 'AUDIT', '2025-03-02 10:00:00', '2025-03-02 02:00:00', NULL, 1),
              ('T01', 'ONSITE', '2025-03-02 10:00:00', '2025-03-02 02:00:00', NULL, -1),
              ('T01', 'ONSITE', NULL, NULL, NULL, 1),
              ('T01', 'ONSITE', '2025-03-02 10:00:00', '2025-03-02 02:00:00', NULL, 4);
            """);

        var result = Assert.Single(await h.RunOnceAsync());
        Assert.True(result.Succeeded, result.Error);

        var reasons = await h.QueryAsync<(string Reason, long Rows)>(
            "SELECT reason, sum(row_count)::bigint FROM ops.quarantine WHERE stream = 'by_local' GROUP BY reason ORDER BY reason");
        Assert.Equal([("missing_timestamp", 1L), ("negative_measure", 1L), ("null_unit", 1L), ("unknown_unit", 1L), ("unmapped_code", 1L)], reasons);
        Assert.Equal(4, await h.FactAsync("by_local", "T01", "inspection.onsite", "days", new DateOnly(2025, 3, 2)));
        // The TIMESTAMP column is NULL everywhere: six rows, all missing_timestamp.
        Assert.Equal(6, await h.ScalarAsync<long>("SELECT sum(row_count) FROM ops.quarantine WHERE stream = 'by_timestamp' AND reason = 'missing_timestamp'"));
    }
}
