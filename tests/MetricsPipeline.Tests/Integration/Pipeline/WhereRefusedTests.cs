using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>
/// A Where that writes at the source (dblink_exec runs its statement on a second connection, outside the read-only
/// snapshot, so default_transaction_read_only did not stop it) is refused at start-up, naming the key, before any
/// connection to a source or any ledger row. A Where in the allowed subset filters as before, on every dialect.
/// </summary>
public sealed class WhereRefusedTests
{
    [Fact]
    public async Task RunOnce_WhereCallingDblinkExec_IsRefusedBeforeAnythingRuns()
    {
        await using var h = await PipelineHarness.CreateAsync("where_dblink");
        await h.ExecuteSourceAsync("""
            CREATE EXTENSION dblink;
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', '2025-03-05 02:00+00', 1), ('T01', 'RED', '2025-03-06 02:00+00', 1);
            """);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(h.DepartmentDb);
        h.Options.Sources[0].Streams[0].Where =
            $"deleted = false AND dblink_exec('host={builder.Host} port={builder.Port} user={builder.Username} dbname={builder.Database}', " +
            "'DELETE FROM oa.documents') IS NOT NULL";

        var error = await Assert.ThrowsAsync<InvalidConfigurationException>(() => h.RunOnceAsync());

        var message = Assert.Single(error.Errors);
        Assert.StartsWith("Pipeline:Sources:0:Streams:0:Where: function 'dblink_exec' is not allowed", message);
        Assert.Equal(2, await CountSourceRowsAsync(h));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.windows"));
    }

    [Fact]
    public async Task RunOnce_AllowedWhere_FiltersOnPostgresAndSqlite()
    {
        await using var h = await PipelineHarness.CreateAsync("where_allowed");
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages, deleted) VALUES
              ('T01', 'RED', '2025-03-05 02:00+00', 1, false), ('T01', 'RED', '2025-03-05 03:00+00', 7, false),
              ('T01', 'RED', '2025-03-05 04:00+00', 1, true), ('T01', 'WHITE', '2025-03-05 05:00+00', 2, false);
            """);
        await h.ExecuteSqliteAsync("""
            INSERT INTO checkins (unit_code, kind, checked_at) VALUES
              ('V01', ' Manual ', '2025-03-05 09:00:00'), ('V01', 'GPS', '2025-03-05 10:00:00'), ('V01', NULL, '2025-03-05 11:00:00');
            """);
        h.Options.Sources[0].Streams[0].Where = "NOT deleted AND coalesce(pages, 0) BETWEEN 0 AND 5 AND doc_kind IN ('RED', 'WHITE')";
        h.Options.Sources[1].Streams[1].Where = "lower(trim(kind)) = 'manual' OR kind IS NULL OR kind LIKE 'X%'";

        var results = await h.RunOnceAsync();

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        var day = new DateOnly(2025, 3, 5);
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.formal", "count", day));
        Assert.Equal(1, await h.FactAsync("documents", "T01", "document.informal", "count", day));
        Assert.Equal(2, await h.FactAsync("checkins", "V01", "check_in", "count", day));
    }

    private static async Task<long> CountSourceRowsAsync(PipelineHarness h)
    {
        await using var connection = new Npgsql.NpgsqlConnection(h.DepartmentDb);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM oa.documents", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
