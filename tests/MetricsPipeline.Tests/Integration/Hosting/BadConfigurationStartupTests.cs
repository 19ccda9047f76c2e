using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>A bad configuration stops the real process at start-up, exit code 2, with the key to fix named.</summary>
public sealed class BadConfigurationStartupTests
{
    [Theory]
    [InlineData("serve", "Pipeline:Sources:0:Schedule")]
    [InlineData("run-once", "Pipeline:Sources:0:Schedule")]
    public async Task Worker_BadCron_StopsStartUpNamingTheKey(string verb, string key)
    {
        await using var h = await PipelineHarness.CreateAsync("badconfig");
        h.Options.Sources[0].Schedule = "every quarter hour";
        h.Options.Sources[1].Provider = "oracle";
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), verb, "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains(key, output);
        Assert.Contains("Pipeline:Sources:1:Provider: unknown provider 'oracle'", output);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs"));
    }

    [Fact]
    public async Task Worker_MissingConfigFile_StopsStartUpNamingIt()
    {
        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "run-once", "--config", "/nonexistent/appsettings.json");

        Assert.Equal(2, exitCode);
        Assert.Contains("--config: file '/nonexistent/appsettings.json' does not exist", output);
    }
}
