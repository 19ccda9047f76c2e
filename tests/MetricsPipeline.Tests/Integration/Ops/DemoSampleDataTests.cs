using System.Text.Json;
using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Reporting;
using MetricsPipeline.Samples;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Ops;

/// <summary>
/// The demo's sample data through the real worker, as ops/scripts/demo.sh runs it (over three weeks instead of
/// three years): Chinese unit names reach ref.units and the report, the departments' Chinese codes are mapped
/// through ref.code_map, and the code the demo leaves unmapped on purpose is quarantined, not lost.
/// </summary>
[Collection(DemoReaderRoleCollection.Name)]
public sealed class DemoSampleDataTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"mp-demo-zh-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task SampleData_ChineseNamesAndCodes_AreLoadedMappedAndReported()
    {
        var settings = new SampleSettings(_out, TestPostgres.AdminConnectionString, Seed: 7, From: new DateOnly(2025, 9, 22), To: new DateOnly(2025, 10, 12));
        Assert.Equal(0, await SampleRun.ExecuteAsync(settings, CancellationToken.None));
        var pipeline = JsonSerializer.Deserialize<Dictionary<string, PipelineOptions>>(await File.ReadAllTextAsync(settings.DemoSettingsPath))![PipelineOptions.SectionName];
        pipeline.History.From = settings.From; // the demo pulls from 2024; three weeks are enough here
        var warehouse = await TestPostgres.CreateWarehouseAsync("demo_zh");
        var config = WorkerProcess.WriteConfig(_out, warehouse, pipeline);

        var (exit, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(5), "run-once", "--config", config);
        Assert.True(exit == 0, output);

        await using var dataSource = NpgsqlDataSource.Create(warehouse);
        await using var db = await dataSource.OpenConnectionAsync();
        var counties = (await db.QueryAsync<string>("SELECT name FROM ref.units WHERE level = 'county' ORDER BY code")).ToList();
        Assert.Equal(OrgTree.Counties, counties.Count);
        Assert.All(counties, name => Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}{2}县$", name));
        var codeMap = (await db.QueryAsync<(string Code, string Category)>("SELECT source_code, category FROM ref.code_map"))
            .ToDictionary(x => x.Code, x => x.Category, StringComparer.Ordinal);
        Assert.Equal("document.formal", codeMap[DepartmentCodes.FormalDocument]);
        Assert.Equal("document.informal", codeMap[DepartmentCodes.InformalDocument]);
        Assert.Equal("check_in", codeMap[DepartmentCodes.CheckIn]);
        Assert.Equal("check_in", codeMap[DepartmentCodes.PhotoUpload]);
        var byCategory = (await db.QueryAsync<(string Category, decimal Count)>(
            "SELECT category, sum(value) FROM facts.daily WHERE measure = 'count' GROUP BY category")).ToDictionary(x => x.Category, x => x.Count);
        Assert.True(byCategory.GetValueOrDefault("document.formal") > 0 && byCategory.GetValueOrDefault("document.informal") > 0 && byCategory.GetValueOrDefault("check_in") > 0,
            string.Join(", ", byCategory.Select(x => $"{x.Key}={x.Value}")));
        // 会议纪要 starts in October 2025 and is mapped to nothing: quarantined under its own code.
        Assert.True(await db.ExecuteScalarAsync<long>(
            "SELECT coalesce(sum(row_count), 0) FROM ops.quarantine WHERE reason = 'unmapped_code' AND source_code = @code",
            new { code = DepartmentCodes.UnmappedDocument }) > 0, "the unmapped 会议纪要 rows are not in quarantine");

        var report = await new IndicatorReport(dataSource).ReadAsync(ReportPeriod.Parse("2025-Q4"), unit: null, DisplayLanguage.Chinese,
            new ReportOptions(), CancellationToken.None);
        Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}{2}市$", report.UnitName);
        Assert.Equal(counties.Order(StringComparer.Ordinal), report.Ranking.Select(r => r.UnitName).Order(StringComparer.Ordinal));
        var html = await ReportRenderer.RenderAsync(report);
        Assert.Contains($"基层负担:{report.UnitName}(C01),2025-Q4", html);
    }
}
