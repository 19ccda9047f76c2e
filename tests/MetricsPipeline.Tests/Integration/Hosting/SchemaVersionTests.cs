using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using static MetricsPipeline.Tests.Integration.Hosting.ConfigurationMistakeTests;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>A warehouse migrated by a newer release is refused by every verb of this build, migrate included, naming both versions.</summary>
public sealed class SchemaVersionTests
{
    [Theory]
    [InlineData("migrate")]
    [InlineData("run-once")]
    [InlineData("status")]
    [InlineData("serve")]
    [InlineData("report", "--period", "2025", "--out", "REPORT")]
    public async Task Verb_WarehouseSchemaNewerThanTheBuild_ExitsThreeNamingBothVersions(string verb, params string[] more)
    {
        await using var h = await PipelineHarness.CreateAsync("schema_newer");
        // What a newer release's migrate leaves behind: one more applied versioned migration (and a repeatable one, which has no version).
        Assert.NotEqual(0, await h.ScalarAsync<long>("""
            INSERT INTO ops.schema_changelog (type, version, description, name, checksum, installed_by, success)
            SELECT type, '999', 'future', 'V999__future.sql', checksum, installed_by, true FROM ops.schema_changelog WHERE version = '1'
            RETURNING id
            """));
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { Metrics = new { Port = ThrowawayPostgres.FreePort() } });
        var arguments = more.Select(a => a == "REPORT" ? Path.Combine(h.Directory, "r.html") : a).ToArray();

        var (exitCode, output) = await RunAsync([verb, config, .. arguments]);

        Assert.True(exitCode == 3, output);
        Assert.Contains($"The warehouse schema is at V999, newer than this build, whose newest migration is {SchemaCompatibility.BuildVersion}", output);
        Assert.DoesNotContain("up to date", output);
        await AssertNothingRanAsync(h, output);
    }

    [Fact]
    public async Task Migrate_WarehouseAtTheBuildsVersion_SaysUpToDateWithTheVersion()
    {
        await using var h = await PipelineHarness.CreateAsync("schema_same");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var (exitCode, output) = await RunAsync("migrate", config);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"Warehouse schema is up to date at {SchemaCompatibility.BuildVersion}; nothing applied.", output);
    }
}
