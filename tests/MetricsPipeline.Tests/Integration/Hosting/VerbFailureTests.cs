using MetricsPipeline.Tests.Infrastructure;
using static MetricsPipeline.Tests.Integration.Hosting.ConfigurationMistakeTests;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>
/// Each verb fails with a line that says what to do and the documented exit code (1 run failed, 2
/// configuration or usage, 3 warehouse unreachable or schema mismatch); a stack trace only with --verbose.
/// </summary>
public sealed class VerbFailureTests
{
    [Theory]
    [InlineData("run-once")]
    [InlineData("backfill", "--from", "2025-01-01", "--to", "2025-01-31")]
    [InlineData("sources", "check")]
    public async Task Verb_UnknownSource_IsAUsageErrorNamingTheConfiguredOnes(string verb, params string[] more)
    {
        await using var h = await PipelineHarness.CreateAsync("verb_source");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);
        string[] arguments = verb == "sources" ? ["sources", "check", "--config", config, "--source", "nosuch"] : [verb, "--config", config, .. more, "--source", "nosuch"];

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), arguments);

        Assert.True(exitCode == 2, output);
        Assert.Contains("--source: no source named 'nosuch' is configured; configured sources: county-oa, grid-app", output);
        await AssertNothingRanAsync(h, output);
    }

    [Fact]
    public async Task Report_OutInAFolderThatDoesNotExist_IsAUsageError()
    {
        await using var h = await PipelineHarness.CreateAsync("verb_report");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exitCode, output) = await RunAsync("report", config, "--period", "2025", "--out", "/nonexistent/dir/r.html");

        Assert.True(exitCode == 2, output);
        Assert.Contains("--out: the folder '/nonexistent/dir' does not exist; create it or write the report elsewhere.", output);
        AssertNoStackTrace(output);
    }

    [Theory]
    [InlineData("backfill", "--from", "2025-02-30", "--to", "2025-03-01")]
    [InlineData("backfill", "--from", "2025-02-01")]
    [InlineData("frobnicate")]
    [InlineData("run-once", "--sorce", "county-oa")]
    [InlineData("report", "--period", "2025")]
    public async Task Worker_CommandLineParseError_ExitsTwoWithOneLinePerProblem(params string[] arguments)
    {
        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), arguments);

        Assert.True(exitCode == 2, output);
        Assert.Contains("--help'.", output);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task RunOnce_WarehouseUnreachable_ExitsThreeAndSaysWhatToCheck()
    {
        await using var h = await PipelineHarness.CreateAsync("verb_down");
        var config = WorkerProcess.WriteConfig(h.Directory, $"Host=127.0.0.1;Port={ThrowawayPostgres.FreePort()};Username=metrics;Database=metrics", h.Options);

        var (exitCode, output) = await RunAsync("run-once", config);

        Assert.True(exitCode == 3, output);
        Assert.Contains("Cannot reach the warehouse (ConnectionStrings:Warehouse):", output);
        Assert.Contains("Check that the server runs", output);
        AssertNoStackTrace(output);

        (exitCode, output) = await RunAsync("run-once", config, "--verbose");
        Assert.True(exitCode == 3, output);
        Assert.Contains("   at ", output); // --verbose adds the stack trace
    }

    [Fact]
    public async Task SourcesCheck_WarehouseDown_StillChecksTheSources()
    {
        await using var h = await PipelineHarness.CreateAsync("verb_srccheck");
        var config = WorkerProcess.WriteConfig(h.Directory, $"Host=127.0.0.1;Port={ThrowawayPostgres.FreePort()};Username=metrics;Database=metrics", h.Options);

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "sources", "check", "--config", config, "--source", "county-oa");

        // sources check reads the sources only: the warehouse being down is not its business.
        Assert.True(exitCode is 0 or 1, output);
        Assert.DoesNotContain("Cannot reach the warehouse", output);
        Assert.Contains("county-oa/documents (postgres)", output);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task Migrate_AppliedMigrationEdited_ExitsThreeNamingTheFileWithoutAStackTrace()
    {
        await using var h = await PipelineHarness.CreateAsync("verb_edited");
        // What Evolve sees when a released file was edited: its checksum no longer matches the recorded one.
        Assert.Equal(1, await h.ScalarAsync<long>(
            "WITH edited AS (UPDATE ops.schema_changelog SET checksum = md5('edited') WHERE name LIKE '%V2\\_\\_%' RETURNING 1) SELECT count(*) FROM edited"));
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exitCode, output) = await RunAsync("migrate", config);

        Assert.True(exitCode == 3, output);
        Assert.Contains("The warehouse's applied migrations do not match this build's:", output);
        Assert.Contains("V2__", output);
        Assert.Contains("restore the released file", output);
        AssertNoStackTrace(output);
    }
}
