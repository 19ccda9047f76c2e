using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Worker.Hosting;
using MetricsPipeline.Worker.Scheduling;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Security;

/// <summary>
/// The group roles migrate creates: each can do its job and nothing more. Checked as the role would run,
/// with SET ROLE from the test's superuser, and for the writer with a real LOGIN member running the pipeline.
/// </summary>
public sealed class WarehouseRolesTests(LoadedWarehouse loaded) : IClassFixture<LoadedWarehouse>
{
    private const string InsufficientPrivilege = "42501";
    private static readonly string[] Roles = ["metrics_writer", "metrics_dashboard", "metrics_analyst"];

    [Fact]
    public async Task Migrate_CreatesThreeGroupRolesThatCannotLogInAndOwnNothing()
    {
        var roles = await loaded.Harness.QueryAsync<(string Name, bool Login, bool Super, bool CreateDb, bool CreateRole)>(
            "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = ANY(@Roles) ORDER BY rolname", new { Roles });
        Assert.Equal(Roles.Order(), roles.Select(r => r.Name));
        Assert.All(roles, r => Assert.False(r.Login || r.Super || r.CreateDb || r.CreateRole, $"{r.Name} has more than a group role needs"));
        Assert.Equal(0, await loaded.Harness.ScalarAsync<long>("""
            SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = ANY(@Roles)
            """, new { Roles }));
    }

    [Theory]
    [InlineData("metrics_analyst", "SELECT * FROM ref.units")]
    [InlineData("metrics_analyst", "SELECT * FROM ref.streams")]
    [InlineData("metrics_analyst", "SELECT * FROM facts.daily")]
    [InlineData("metrics_analyst", "SELECT * FROM marts.yearly_indicators")]
    [InlineData("metrics_analyst", "SELECT * FROM marts.monthly_indicators")]
    [InlineData("metrics_dashboard", "SELECT * FROM marts.indicators")]
    [InlineData("metrics_dashboard", "SELECT * FROM ops.windows")]
    [InlineData("metrics_dashboard", "SELECT * FROM ops.coverage")]
    [InlineData("metrics_dashboard", "SELECT * FROM ops.quarantine")]
    [InlineData("metrics_dashboard", "SELECT * FROM ops.runs")]
    [InlineData("metrics_dashboard", "SELECT * FROM ops.source_freshness")]
    [InlineData("metrics_dashboard", "SELECT * FROM marts.coverage_gaps")]
    [InlineData("metrics_analyst", "SELECT * FROM marts.coverage_gaps")] // ops.coverage_gaps until V43
    public async Task Reader_SelectsWhatItsRoleIsFor(string role, string sql) =>
        Assert.Null(await loaded.TryAsRoleAsync(role, sql));

    [Fact]
    public async Task Readers_CanReadEveryTableAndViewOfTheMarts()
    {
        var objects = await loaded.Harness.QueryAsync<string>(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'marts' AND c.relkind IN ('r', 'v', 'm')");
        Assert.NotEmpty(objects);
        foreach (var role in new[] { "metrics_dashboard", "metrics_analyst" })
        foreach (var name in objects)
            Assert.True(await loaded.TryAsRoleAsync(role, $"SELECT * FROM {name} LIMIT 1") is null, $"{role} cannot read {name}");
    }

    [Theory]
    [InlineData("metrics_analyst", "SELECT * FROM ops.runs")]
    [InlineData("metrics_analyst", "SELECT * FROM ops.windows")]
    [InlineData("metrics_analyst", "SELECT * FROM ops.source_freshness")]
    [InlineData("metrics_analyst", "SELECT * FROM quartz.qrtz_job_details")]
    [InlineData("metrics_analyst", "SELECT * FROM quartz.qrtz_scheduler_state")]
    [InlineData("metrics_dashboard", "SELECT * FROM quartz.qrtz_job_details")]
    [InlineData("metrics_dashboard", "SELECT * FROM facts.daily")]
    [InlineData("metrics_dashboard", "SELECT * FROM ref.units")]
    [InlineData("metrics_dashboard", "SELECT * FROM ops.schema_changelog")]
    [InlineData("metrics_analyst", "SELECT * FROM ops.coverage")]
    public async Task Reader_CannotReadOperationsSecretsOrOtherRolesData(string role, string sql) =>
        Assert.Equal(InsufficientPrivilege, await loaded.TryAsRoleAsync(role, sql));

    /// <summary>
    /// What psql's \dt, \dv and \dm list (pg_class: every relation of a schema the role has USAGE on, granted or
    /// not) and what information_schema.tables lists must be exactly what the analyst can select.
    /// </summary>
    [Fact]
    public async Task Analyst_EveryRelationItCanListIsSelectable()
    {
        const string listed = """
            SELECT format('%I.%I', n.nspname, c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
              AND has_schema_privilege(n.oid, 'USAGE')
            UNION
            SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
            WHERE table_schema !~ '^pg_' AND table_schema <> 'information_schema'
            ORDER BY 1
            """;
        var relations = await loaded.AsRoleAsync<string>("metrics_analyst", listed);
        Assert.Contains("marts.indicators", relations);
        Assert.Contains("marts.coverage_gaps", relations);
        Assert.DoesNotContain(relations, r => r.StartsWith("ops.", StringComparison.Ordinal) || r.StartsWith("quartz.", StringComparison.Ordinal));
        var refused = new List<string>();
        foreach (var relation in relations)
            if (await loaded.TryAsRoleAsync("metrics_analyst", $"SELECT * FROM {relation} LIMIT 0") is { } sqlState)
                refused.Add($"{relation} ({sqlState})");
        Assert.True(refused.Count == 0, "metrics_analyst lists relations it cannot select: " + string.Join(", ", refused));
    }

    /// <summary>The dashboard role reads nothing in ref, so it no longer lists ref's tables either.</summary>
    [Fact]
    public async Task Dashboard_ListsNothingInRef()
    {
        Assert.Empty(await loaded.AsRoleAsync<string>("metrics_dashboard",
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'ref'::regnamespace AND has_schema_privilege('ref', 'USAGE')"));
        Assert.Equal("42501", await loaded.TryAsRoleAsync("metrics_dashboard", "SELECT * FROM ref.units"));
    }

    [Theory]
    [InlineData("metrics_analyst", "INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, window_id) VALUES ('x', 'y', current_date, 'T01', 'check_in', 'count', 1, 1)")]
    [InlineData("metrics_analyst", "UPDATE marts.period_sums SET value = 0")]
    [InlineData("metrics_analyst", "DELETE FROM ref.units")]
    [InlineData("metrics_analyst", "CREATE TABLE marts.scratch (x int)")]
    [InlineData("metrics_analyst", "SELECT marts.refresh_periods(current_date - 31, current_date, ARRAY['check_in'])")]
    [InlineData("metrics_dashboard", "DELETE FROM ops.coverage")]
    [InlineData("metrics_dashboard", "UPDATE ops.runs SET status = 'succeeded'")]
    [InlineData("metrics_dashboard", "INSERT INTO marts.unit_tree VALUES ('A', 'B', 1)")]
    [InlineData("metrics_dashboard", "CREATE VIEW ops.mine AS SELECT 1")]
    public async Task Reader_CannotWrite(string role, string sql) =>
        Assert.Equal(InsufficientPrivilege, await loaded.TryAsRoleAsync(role, sql));

    [Theory]
    [InlineData("DROP TABLE facts.daily")]
    [InlineData("ALTER TABLE ops.runs ADD COLUMN x int")]
    [InlineData("CREATE TABLE ref.scratch (x int)")]
    [InlineData("DELETE FROM ops.schema_changelog")]
    [InlineData("TRUNCATE facts.daily")]
    public async Task Writer_CannotChangeTheSchemaOrTheMigrationHistory(string sql) =>
        Assert.Equal(InsufficientPrivilege, await loaded.TryAsRoleAsync("metrics_writer", sql));

    [Fact]
    public async Task Writer_LoginMemberRunsThePipelineAndTheScheduler()
    {
        var login = $"test_writer_{Guid.NewGuid():N}"[..30];
        await using (var admin = new NpgsqlConnection(loaded.Warehouse))
            await admin.ExecuteAsync($"CREATE ROLE {login} LOGIN IN ROLE metrics_writer");
        try
        {
            var asWriter = new NpgsqlConnectionStringBuilder(loaded.Warehouse) { Username = login, Pooling = false }.ConnectionString;
            var h = loaded.Harness;
            var writerHarness = new PipelineHarness
            {
                Warehouse = asWriter, DepartmentDb = h.DepartmentDb, SqlitePath = h.SqlitePath, Directory = h.Directory, Options = h.Options,
            };
            writerHarness.Clock.SetUtcNow(DateTimeOffset.UtcNow);
            await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', now() - interval '1 hour', 4)");

            var results = await writerHarness.RunOnceAsync("county-oa");

            Assert.True(results.All(r => r.Succeeded), string.Join("; ", results.Select(r => r.Error)));

            // The scheduler too: Quartz's clustered job store is written with the same login.
            writerHarness.Options.Sources[0].Schedule = "0/1 * * * * ?";
            var config = WorkerProcess.WriteConfig(h.Directory, asWriter, writerHarness.Options, new { Metrics = new { Enabled = false } });
            var builder = WorkerHost.CreateBuilder(new FileInfo(config), logToStandardError: true);
            builder.AddPipelineScheduling();
            using var host = builder.Build();
            var before = await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE trigger = 'schedule' AND status = 'succeeded'");
            await host.StartAsync();
            try
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (watch.Elapsed < TimeSpan.FromSeconds(30)
                       && await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE trigger = 'schedule' AND status = 'succeeded'") == before)
                    await Task.Delay(200);
            }
            finally
            {
                await host.StopAsync();
            }
            Assert.True(await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE trigger = 'schedule' AND status = 'succeeded'") > before,
                "the scheduler did not run the source as the writer login within 30 s");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(loaded.Warehouse);
            await admin.ExecuteAsync($"DROP ROLE IF EXISTS {login}");
        }
    }

    [Fact]
    public async Task DefaultPrivileges_TableAddedByALaterMigrationIsReadableAndWritableByTheRightRoles()
    {
        // What a later migration run by the same owner account does.
        await using (var owner = new NpgsqlConnection(loaded.Warehouse))
            await owner.ExecuteAsync("CREATE TABLE IF NOT EXISTS marts.later_table (x int); CREATE TABLE IF NOT EXISTS ops.later_table (x int)");

        Assert.Null(await loaded.TryAsRoleAsync("metrics_writer", "INSERT INTO marts.later_table VALUES (1); INSERT INTO ops.later_table VALUES (1)"));
        Assert.Null(await loaded.TryAsRoleAsync("metrics_analyst", "SELECT * FROM marts.later_table"));
        Assert.Null(await loaded.TryAsRoleAsync("metrics_dashboard", "SELECT * FROM marts.later_table"));
        // ops is granted to dashboards object by object, never by default.
        Assert.Equal(InsufficientPrivilege, await loaded.TryAsRoleAsync("metrics_dashboard", "SELECT * FROM ops.later_table"));
        Assert.Equal(InsufficientPrivilege, await loaded.TryAsRoleAsync("metrics_analyst", "SELECT * FROM ops.later_table"));
    }
}
