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
}
