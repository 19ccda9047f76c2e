using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Pipeline;

public sealed class ReferenceSyncTests
{
    [Fact]
    public async Task RunOnce_ConfiguredTariffsAndWorkingHours_ReachTheWarehouseAndBeatTheSeed()
    {
        await using var h = await PipelineHarness.CreateAsync("refsync");
        h.Options.Indicators.Tariffs = [new TariffOptions { Category = "document.formal", MinutesPerItem = 45, Rationale = "county time study 2025" }];
        h.Options.Indicators.WorkingHoursPerFteYear = 1760;

        await h.RunOnceAsync("county-oa");

        Assert.Equal(45, await h.ScalarAsync<decimal>("SELECT minutes_per_item FROM ref.effective_tariffs WHERE category = 'document.formal'"));
        Assert.Equal("config", await h.ScalarAsync<string>("SELECT origin FROM ref.effective_tariffs WHERE category = 'document.formal'"));
        Assert.Equal("1760", await h.ScalarAsync<string>("SELECT value FROM ref.indicator_settings WHERE key = 'working_hours_per_fte_year'"));

        // Removed from configuration: the seeded tariff is in force again.
        h.Options.Indicators.Tariffs = [];
        await h.RunOnceAsync("county-oa");
        Assert.Equal("seed", await h.ScalarAsync<string>("SELECT origin FROM ref.effective_tariffs WHERE category = 'document.formal'"));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ref.tariffs WHERE origin = 'config'"));
    }

    [Fact]
    public async Task RunOnce_ConfiguredCategoryLabels_ReachTheWarehouseAndTheIndicatorViews()
    {
        await using var h = await PipelineHarness.CreateAsync("refsync_labels");
        h.Options.Categories =
        [
            new CategoryOptions { Name = "document.notice", Kind = "flow", Description = "Notices in chat groups", LabelZh = "群内通知", LabelEn = "Chat-group notices" },
            new CategoryOptions { Name = "document.memo", Kind = "flow", Description = "Memos" },
        ];

        await h.RunOnceAsync("county-oa");

        Assert.Equal(("群内通知", "Chat-group notices"), (await h.QueryAsync<(string, string)>(
            "SELECT label_zh, label_en FROM ref.categories WHERE category = 'document.notice'")).Single());
        // Without labels the code stands in for both: it invents no translation.
        Assert.Equal(("document.memo", "document.memo"), (await h.QueryAsync<(string, string)>(
            "SELECT label_zh, label_en FROM ref.categories WHERE category = 'document.memo'")).Single());
        Assert.Equal(("正式文件(红头)", "Formal documents (red-header)"), (await h.QueryAsync<(string, string)>(
            "SELECT label_zh, label_en FROM ref.categories WHERE category = 'document.formal'")).Single());
        Assert.Equal(6, await h.ScalarAsync<long>("SELECT count(*) FROM ref.statuses WHERE label_zh <> '' AND label_en <> '' AND description <> ''"));

        h.Options.Categories[0].LabelZh = "工作群通知";
        await h.RunOnceAsync("county-oa");
        Assert.Equal("工作群通知", await h.ScalarAsync<string>("SELECT label_zh FROM ref.categories WHERE category = 'document.notice'"));
    }

    [Fact]
    public async Task RunOnce_ProvinceRootedOrgFile_LoadsAndRollsUpToTheProvince()
    {
        await using var h = await PipelineHarness.CreateAsync("refsync_prov");
        // A five-level tree as GB/T 2260 has it: the province above the county of the harness's units.
        File.WriteAllLines(h.OrgUnitsPath, [
            "code,name,parent_code,level,headcount",
            "P37,山东省,,province,800", "S3701,济南市,P37,city,300",
            "C01,Unit C01,S3701,county,400", "T01,Unit T01,C01,township,60", "T02,Unit T02,C01,township,50",
            "V01,Unit V01,T01,village,8", "V02,Unit V02,T01,village,6"]);

        // 60 formal documents in February 2025 (the harness's clock reads 2025-03-10, History.From 2025-01-01).
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages, deleted)
            SELECT (ARRAY['T01','V01','V02'])[1 + i % 3], 'RED', timestamptz '2025-02-01 02:00+00' + i * interval '7 hours', 2, false
            FROM generate_series(0, 59) AS i;
            """);

        var results = await h.RunOnceAsync("county-oa");

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal("province", await h.ScalarAsync<string>("SELECT level FROM ref.units WHERE code = 'P37'"));
        // The province's subtree holds everything its county holds: the 60 documents.
        const string yearCount = "SELECT coalesce(sum(value), 0) FROM marts.period_values WHERE unit_code = @unit AND category = 'document.formal' AND period_kind = 'year' AND measure = 'count'";
        Assert.Equal(60m, await h.ScalarAsync<decimal>(yearCount, new { unit = "C01" }));
        Assert.Equal(60m, await h.ScalarAsync<decimal>(yearCount, new { unit = "P37" }));
    }
}
