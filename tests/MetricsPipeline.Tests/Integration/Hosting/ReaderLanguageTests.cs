using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>
/// Pipeline:Language chooses the words of the tables people read (indicators, status, the run summary):
/// Chinese by default, English on request; a value that is neither stops the verb naming the setting.
/// </summary>
public sealed class ReaderLanguageTests
{
    private static async Task<PipelineHarness> LoadedAsync(string name)
    {
        var h = await PipelineHarness.CreateAsync(name);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages, deleted)
            SELECT (ARRAY['T01','T02','V01'])[1 + i % 3], (ARRAY['RED','WHITE'])[1 + i % 2],
                   timestamptz '2025-01-01 00:00+08' + i * interval '7 hours', 3, false
            FROM generate_series(0, 200) AS i
            """);
        return h;
    }

    [Fact]
    public async Task Verbs_ByDefault_PrintChineseTablesWithTheWarehousesLabels()
    {
        await using var h = await LoadedAsync("lang_zh");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exit, backfill) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(3), "backfill", "--from", "2025-01-01", "--to", "2025-02-28", "--source", "county-oa", "--config", config);
        Assert.True(exit == 0, backfill);
        Assert.Contains("运行汇总", backfill);
        Assert.Contains("1 个数据源全部成功。", backfill);

        (exit, var indicators) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "indicators", "--period", "year", "--config", config);
        Assert.True(exit == 0, indicators);
        Assert.Contains("C01)及下辖单位年度指标", indicators);
        Assert.Contains("类别", indicators);
        var formal = Assert.Single(indicators.Split('\n'), l => l.Contains("document.formal") && l.Contains("count"));
        Assert.Contains("正式文件(红头)", formal);
        // No base in 2024 (history starts 2025): the verdict says that it cannot be computed, and why.
        Assert.Contains("无法计算:", formal);

        (exit, var status) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "status", "--config", config);
        Assert.True(exit == 0, status);
        Assert.Contains("最近窗口", status);
        Assert.Contains(status.Split('\n'), l => l.Contains("county-oa") && l.Contains("documents") && l.Contains("成功"));
    }

    [Fact]
    public async Task Verbs_InEnglish_PrintEnglishTables()
    {
        await using var h = await LoadedAsync("lang_en");
        h.Options.Language = DisplayLanguage.English;
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exit, backfill) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(3), "backfill", "--from", "2025-01-01", "--to", "2025-02-28", "--source", "county-oa", "--config", config);
        Assert.True(exit == 0, backfill);
        Assert.Contains("Run summary", backfill);
        Assert.Contains("1 source(s) succeeded.", backfill);

        (exit, var indicators) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "indicators", "--period", "year", "--config", config);
        Assert.True(exit == 0, indicators);
        Assert.Contains("Yearly indicators for Unit C01 (C01) and its subtree", indicators);
        var formal = Assert.Single(indicators.Split('\n'), l => l.Contains("document.formal") && l.Contains("count"));
        Assert.Contains("Formal documents (red-header)", formal);
        Assert.Contains("not computable:", formal);

        (exit, var status) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "status", "--config", config);
        Assert.True(exit == 0, status);
        Assert.Contains("Last window", status);
        Assert.Contains("Indicator refresh: current (no load waiting)", status);
    }

    [Theory]
    [InlineData("report")]
    [InlineData("indicators")]
    [InlineData("config")]
    public async Task Verbs_LanguageMistyped_StopNamingTheSettingAndTheAllowedValues(string verb)
    {
        await using var h = await PipelineHarness.CreateAsync("lang_bad_" + verb);
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"Language\": \"zh-CN\"", "\"Language\": \"zh\"", StringComparison.Ordinal));
        string[] arguments = verb switch
        {
            "report" => ["report", "--period", "2025", "--out", Path.Combine(h.Directory, "report.html")],
            "indicators" => ["indicators"],
            _ => ["config", "check"],
        };

        var (exit, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), [.. arguments, "--config", config]);

        Assert.True(exit == 2, output);
        Assert.Contains("Pipeline:Language: 'zh' is not one of: zh-CN (Chinese, the default) or en (English)", output);
        Assert.False(File.Exists(Path.Combine(h.Directory, "report.html")));
    }
}
