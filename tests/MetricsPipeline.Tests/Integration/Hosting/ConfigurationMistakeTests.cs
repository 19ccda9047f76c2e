using System.Text.Json.Nodes;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>
/// Configuration mistakes the binder used to hide (a misspelt key ignored, a bad value inside Sources[] making
/// the source vanish, a bad global value ending in a stack trace) stop the real process at start-up: exit
/// code 2, the full key and the value named, nothing pulled, no stack trace.
/// </summary>
public sealed class ConfigurationMistakeTests
{
    [Theory]
    [InlineData("run-once")]
    [InlineData("serve")]
    public async Task Worker_MisspeltKeyInAStream_StopsNamingItAndTheKnownKey(string verb)
    {
        await using var h = await PipelineHarness.CreateAsync("cfg_unknown");
        var config = WriteConfig(h, root => Stream(root, 0, 1)["Wehre"] = "minutes > 0");

        var (exitCode, output) = await RunAsync(verb, config);

        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:Sources:0:Streams:1:Wehre: unknown key; did you mean Where?", output);
        await AssertNothingRanAsync(h, output);
    }

    [Fact]
    public async Task RunOnce_MisspeltKeysAtEveryLevel_AreAllNamed()
    {
        await using var h = await PipelineHarness.CreateAsync("cfg_levels");
        var config = WriteConfig(h, root =>
        {
            Source(root, 1)["LookbackDay"] = 3;
            Stream(root, 1, 0)["OnRemove"] = "retract";
            Source(root, 0)["Resilience"]!["MaxRetry"] = 1;
            root["Pipeline"]!["Indicators"]!["Targets"]![0]!["Scop"] = "C01";
            root["Pipeline"]!["History"]!["Form"] = "2025-01-01";
            root["Scheduler"] = new JsonObject { ["MaxConcurrentSource"] = 2 };
            root["Pipline"] = new JsonObject();
        });

        var (exitCode, output) = await RunAsync("run-once", config);

        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:Sources:1:LookbackDay: unknown key; did you mean LookbackDays?", output);
        Assert.Contains("Pipeline:Sources:1:Streams:0:OnRemove: unknown key; did you mean OnRemoved?", output);
        Assert.Contains("Pipeline:Sources:0:Resilience:MaxRetry: unknown key; did you mean MaxRetries?", output);
        Assert.Contains("Pipeline:Indicators:Targets:0:Scop: unknown key; did you mean Scope?", output);
        Assert.Contains("Pipeline:History:Form: unknown key; did you mean From?", output);
        Assert.Contains("Scheduler:MaxConcurrentSource: unknown key; did you mean MaxConcurrentSources?", output);
        Assert.Contains("Pipline: unknown section in ", output);
        await AssertNothingRanAsync(h, output);
    }

    [Fact]
    public async Task RunOnce_ValuesThatDoNotConvertInsideSources_StopStartUpInsteadOfDroppingTheSource()
    {
        await using var h = await PipelineHarness.CreateAsync("cfg_values");
        var config = WriteConfig(h, root =>
        {
            Source(root, 0)["LookbackDays"] = "seven";
            Source(root, 1)["QueryTimeout"] = "10 minutes";
            Stream(root, 1, 1)["RequireDoneMarker"] = "yes";
        });

        var (exitCode, output) = await RunAsync("run-once", config);

        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:Sources:0:LookbackDays: 'seven' is not a whole number", output);
        Assert.Contains("Pipeline:Sources:1:QueryTimeout: '10 minutes' is not a duration", output);
        Assert.Contains("Pipeline:Sources:1:Streams:1:RequireDoneMarker: 'yes' is not true or false", output);
        Assert.DoesNotContain("source(s) succeeded", output);
        Assert.DoesNotContain("个数据源全部成功", output);
        await AssertNothingRanAsync(h, output);
    }

    [Theory]
    [InlineData("run-once")]
    [InlineData("status")]
    public async Task Worker_DateThatDoesNotExist_StopsNamingKeyAndValueWithoutAStackTrace(string verb)
    {
        await using var h = await PipelineHarness.CreateAsync("cfg_date");
        var config = WriteConfig(h, root => root["Pipeline"]!["History"]!["From"] = "2024-02-30");

        var (exitCode, output) = await RunAsync(verb, config);

        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:History:From: '2024-02-30' is not a date that exists, as yyyy-MM-dd", output);
        await AssertNothingRanAsync(h, output);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("run-once")]
    public async Task Worker_CronThatNeverFires_StopsNamingTheKey(string verb)
    {
        await using var h = await PipelineHarness.CreateAsync("cfg_cron");
        h.Options.Sources[1].Schedule = "0 0 0 30 2 ?";
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { Metrics = new { Port = ThrowawayPostgres.FreePort() } });

        var (exitCode, output) = await RunAsync(verb, config);

        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:Sources:1:Schedule: '0 0 0 30 2 ?' never fires in the next 5 years", output);
        await AssertNothingRanAsync(h, output);
    }

    [Fact]
    public async Task RunOnce_WindowsTimeZoneId_StopsNamingTheKeyAndTheIanaId()
    {
        await using var h = await PipelineHarness.CreateAsync("cfg_zone");
        h.Options.Sources[0].TimeZone = "China Standard Time";
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exitCode, output) = await RunAsync("run-once", config);

        Assert.True(exitCode == 2, output);
        Assert.Contains("Pipeline:Sources:0:TimeZone: 'China Standard Time' is a Windows time zone id; write its IANA id 'Asia/Shanghai'", output);
        await AssertNothingRanAsync(h, output);
    }

    [Fact]
    public async Task RunOnce_JsonSyntaxError_NamesTheFileAndLineWithoutAStackTrace()
    {
        await using var h = await PipelineHarness.CreateAsync("cfg_json");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        var lines = File.ReadAllLines(config).ToList();
        lines.Insert(3, "    \"Broken\": ,");
        File.WriteAllLines(config, lines);

        var (exitCode, output) = await RunAsync("run-once", config);

        Assert.True(exitCode == 2, output);
        Assert.Contains($"Failed to load configuration from file '{config}'", output);
        Assert.Contains("LineNumber: 3", output); // the parser counts from 0: the inserted fourth line
        await AssertNothingRanAsync(h, output);
    }

    internal static string WriteConfig(PipelineHarness h, Action<JsonNode> edit)
    {
        var path = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        edit(root);
        File.WriteAllText(path, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private static JsonNode Source(JsonNode root, int source) => root["Pipeline"]!["Sources"]![source]!;

    private static JsonNode Stream(JsonNode root, int source, int stream) => Source(root, source)["Streams"]![stream]!;

    internal static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), [arguments[0], "--config", .. arguments[1..]]);

    /// <summary>The failure stopped start-up: no run in the ledger, and the operator saw messages, not a stack trace.</summary>
    internal static async Task AssertNothingRanAsync(PipelineHarness h, string output)
    {
        AssertNoStackTrace(output);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs"));
    }

    internal static void AssertNoStackTrace(string output)
    {
        Assert.False(output.Contains("   at ", StringComparison.Ordinal), "a stack trace was printed:\n" + output);
        Assert.DoesNotContain("Unhandled exception", output);
    }
}
