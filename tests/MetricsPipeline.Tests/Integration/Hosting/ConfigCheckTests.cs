using MetricsPipeline.Tests.Infrastructure;
using static MetricsPipeline.Tests.Integration.Hosting.ConfigurationMistakeTests;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary><c>config check</c> validates offline: it never connects, says what it checked, exits 0 or 2.</summary>
public sealed class ConfigCheckTests
{
    [Fact]
    public async Task ConfigCheck_ValidConfigurationAndNoWarehouse_ExitsZeroSayingWhatItChecked()
    {
        await using var h = await PipelineHarness.CreateAsync("cfgcheck_ok");
        var closedPort = ThrowawayPostgres.FreePort(); // nothing listens: a connection attempt would fail
        var config = WorkerProcess.WriteConfig(h.Directory, $"Host=127.0.0.1;Port={closedPort};Username=metrics;Database=metrics", h.Options);

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "config", "check", "--config", config);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"Read: {config}", output);
        Assert.Contains("Keys: every key under ConnectionStrings, Pipeline, Scheduler, Metrics, Host, Logging:Journal is one this build knows", output);
        Assert.Contains($"Warehouse: host 127.0.0.1, port {closedPort}, database metrics, user metrics; not connected", output);
        Assert.Contains("Pipeline: 2 source(s), 4 stream(s), history from 2025-01-01.", output);
        Assert.Contains("county-oa (postgres): cron \"0 0 2 * * ?\" in Asia/Shanghai, next ", output);
        Assert.Contains("streams documents, meetings", output);
        Assert.Contains($"Org units: 5 unit(s) in {h.OrgUnitsPath}.", output);
        Assert.Contains("The configuration is valid.", output);
    }

    [Fact]
    public async Task ConfigCheck_Mistakes_ExitsTwoNamingEveryOne()
    {
        await using var h = await PipelineHarness.CreateAsync("cfgcheck_bad");
        var config = WriteConfig(h, root =>
        {
            root["Pipeline"]!["Sources"]![0]!["LookbackDays"] = "seven";
            root["Pipeline"]!["Sources"]![1]!["Streams"]![0]!["Wehre"] = "1 = 1";
        });

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "config", "check", "--config", config);

        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:Sources:0:LookbackDays: 'seven' is not a whole number", output);
        Assert.Contains("Pipeline:Sources:1:Streams:0:Wehre: unknown key; did you mean Where?", output);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task ConfigCheck_PlanProblemAndBadOrgFile_ExitsTwo()
    {
        await using var h = await PipelineHarness.CreateAsync("cfgcheck_plan");
        h.Options.Sources[0].TimeZone = "China Standard Time";
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "config", "check", "--config", config);

        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:Sources:0:TimeZone: 'China Standard Time' is a Windows time zone id", output);

        h.Options.Sources[0].TimeZone = "Asia/Shanghai";
        config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        File.AppendAllLines(h.OrgUnitsPath, ["X01,Unit X,NOPARENT,village,3"]);
        (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "config", "check", "--config", config);
        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:OrgUnits: Org units file", output);
        AssertNoStackTrace(output);
    }
}
