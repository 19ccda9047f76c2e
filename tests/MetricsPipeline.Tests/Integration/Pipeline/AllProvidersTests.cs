using MetricsPipeline.Configuration;
using MetricsPipeline.Sources.Inspection;
using MetricsPipeline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Tests.Integration.Pipeline;

/// <summary>PostgreSQL, MariaDB, SQLite and a file drop in one pipeline run, and the onboarding check over all four.</summary>
public sealed class AllProvidersTests
{
    private static async Task<PipelineHarness> FourSourcesAsync(string name)
    {
        var h = await PipelineHarness.CreateAsync(name);
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', '2025-03-09 02:00+00', 3), ('T01', 'BLUE', '2025-03-09 02:00+00', 1)");
        await h.ExecuteSqliteAsync("INSERT INTO checkins (unit_code, kind, checked_at) VALUES ('V01', 'CHECKIN', '2025-03-09 09:00:00'), ('X7', 'CHECKIN', '2025-03-09 09:00:00')");
        var mysql = await TestMariaDb.CreateDatabaseAsync("allproviders", """
            CREATE TABLE inspections (id INT AUTO_INCREMENT PRIMARY KEY, unit_code VARCHAR(20), kind VARCHAR(20), started DATETIME, days INT);
            INSERT INTO inspections (unit_code, kind, started, days) VALUES ('T02', 'ONSITE', '2025-03-09 10:00:00', 2);
            """);
        h.Options.Sources.Add(new SourceOptions
        {
            Name = "county-inspections", Provider = "mysql", ConnectionString = mysql, TimeZone = "Asia/Shanghai",
            Streams =
            [
                new StreamOptions
                {
                    Name = "inspections", Table = "inspections", Timestamp = "started", TimestampKind = "local", Unit = "unit_code", Code = "kind",
                    Measures = new() { ["count"] = "*", ["days"] = "days" }, Categories = new() { ["ONSITE"] = "inspection.onsite" },
                },
            ],
        });
        var drops = new DropFolder(h);
        drops.WriteText("forms-2025-03.csv", "unit_code,form,submitted_at,fields\nV02,F1,2025-03-09 15:00:00,8\n");
        h.Options.Sources.Add(drops.Source());
        return h;
    }

    [Fact]
    public async Task RunOnce_FourProviders_LoadInOneRun()
    {
        await using var h = await FourSourcesAsync("all_run");

        var results = await h.RunOnceAsync();

        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        var day = new DateOnly(2025, 3, 9);
        Assert.Equal(3, await h.FactAsync("documents", "T01", "document.formal", "pages", day));
        Assert.Equal(1, await h.FactAsync("checkins", "V01", "check_in", "count", day));
        Assert.Equal(2, await h.FactAsync("inspections", "T02", "inspection.onsite", "days", day));
        Assert.Equal(8, await h.FactAsync("reports", "V02", "report_form", "fields", day));
        // The whole tree rolls up in the marts: C01 sees every source.
        Assert.Equal(4, await h.ScalarAsync<long>("""
            SELECT count(DISTINCT category) FROM marts.period_values
            WHERE unit_code = 'C01' AND period_kind = 'month' AND period_start = '2025-03-01' AND measure = 'count' AND value > 0
            """));
    }

    [Fact]
    public async Task SourcesCheck_FourProviders_ReportsCodesUnknownUnitsAndYesterday()
    {
        await using var h = await FourSourcesAsync("all_check");
        await using var services = h.BuildServices();
        var inspector = services.GetRequiredService<SourceInspector>();
        var known = PipelineHarness.Units.ToHashSet();
        h.Clock.SetUtcNow(new DateTimeOffset(2025, 3, 10, 4, 0, 0, TimeSpan.Zero)); // yesterday = 2025-03-09 in Beijing

        var inspections = new List<StreamInspection>();
        foreach (var source in PipelinePlan.CompileOrThrow(h.Options))
        {
            foreach (var stream in source.Streams)
                inspections.Add(await inspector.InspectAsync(source, stream, known, h.Options.History.From, CancellationToken.None));
        }

        var documents = inspections.Single(i => i.Stream == "documents");
        Assert.False(documents.Ok);
        Assert.Contains(documents.Codes, c => c.Code == "BLUE" && c.Category is null && c.Rows == 1);
        Assert.Contains("GROUP BY unit_code, source_code, day, problem", documents.GeneratedQuery);
        Assert.Contains(documents.Yesterday, p => p is { Category: "document.formal", Measure: "pages", Value: 3 });

        var checkins = inspections.Single(i => i.Stream == "checkins");
        Assert.Contains(checkins.UnknownUnits, u => u.Unit == "X7");
        Assert.False(checkins.Ok);

        var inspectionsStream = inspections.Single(i => i.Stream == "inspections");
        Assert.True(inspectionsStream.Ok, string.Join("; ", inspectionsStream.Problems));
        Assert.Contains(inspectionsStream.Yesterday, p => p is { Category: "inspection.onsite", Measure: "days", Value: 2 });

        var files = inspections.Single(i => i.Stream == "reports");
        Assert.True(files.Ok, string.Join("; ", files.Problems));
        Assert.Contains(files.Yesterday, p => p is { Category: "report_form", Measure: "fields", Value: 8 });

        // Schema drift is reported by name, not as an empty sample.
        await h.ExecuteSourceAsync("ALTER TABLE oa.meetings RENAME COLUMN minutes TO duration");
        var oa = PipelinePlan.CompileOrThrow(h.Options).Single(s => s.Name == "county-oa");
        var meetings = await inspector.InspectAsync(oa, oa.Streams.Single(s => s.Name == "meetings"), known, h.Options.History.From, CancellationToken.None);
        Assert.Contains(meetings.Problems, p => p.Contains("column \"minutes\" does not exist"));
    }

    [Fact]
    public async Task SourcesCheckVerb_WorkerProcess_ExitsNonZeroOnProblemsAndZeroWhenClean()
    {
        await using var h = await FourSourcesAsync("all_verb");
        // The worker process runs on the real clock: give its 90-day sample something recent.
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'BLUE', now() - interval '1 day', 1)");
        var mysql = h.Options.Sources.Single(s => s.Name == "county-inspections").ConnectionString;
        await TestMariaDb.ExecuteAsync(mysql, "INSERT INTO inspections (unit_code, kind, started, days) VALUES ('T02', 'ONSITE', NOW() - INTERVAL 1 DAY, 1)");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (failing, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "sources", "check", "--config", config);
        Assert.True(failing == 1, output);
        Assert.Contains("BLUE", output);
        Assert.Contains("unmapped", output);

        var (clean, cleanOutput) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "sources", "check", "--source", "county-inspections", "--config", config);
        Assert.True(clean == 0, cleanOutput);
        Assert.Contains("Every stream checked out", cleanOutput);
    }
}
