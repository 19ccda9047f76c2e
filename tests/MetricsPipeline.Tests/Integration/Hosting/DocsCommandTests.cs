using System.Text.Json;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse.Dictionary;
using Npgsql;
using static MetricsPipeline.Tests.Integration.Hosting.ConfigurationMistakeTests;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>`metrics-pipeline docs --out DIR` as an operator runs it: the real worker process and its exit codes.</summary>
public sealed class DocsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mp-docs-").FullName;

    private string WriteConfig(string warehouse)
    {
        var path = Path.Combine(_directory, "docs-config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { ConnectionStrings = new { Warehouse = warehouse } }));
        return path;
    }

    [Fact]
    public async Task Docs_WritesTheDictionaryOfTheConnectedWarehouse()
    {
        var warehouse = await TestPostgres.CreateWarehouseAsync("docs");
        var output = Directory.CreateDirectory(Path.Combine(_directory, "out")).FullName;

        var (exitCode, text) = await RunAsync("docs", WriteConfig(warehouse), "--out", output);

        Assert.True(exitCode == 0, text);
        Assert.Contains("Wrote " + Path.Combine(output, "dictionary.md"), text);
        var markdown = await File.ReadAllTextAsync(Path.Combine(output, "dictionary.md"));
        await using var dataSource = NpgsqlDataSource.Create(warehouse);
        Assert.Equal(DictionaryMarkdown.Render(await new DictionaryCatalog(dataSource).ReadAsync(CancellationToken.None)), markdown);
        Assert.StartsWith("# 数据字典 Data dictionary", markdown);
        Assert.Contains("### marts.indicators\n", markdown);
        Assert.Contains("- `marts.indicators` reads ", markdown);
    }

    [Fact]
    public async Task Docs_OutFolderMissing_IsAUsageError()
    {
        var (exitCode, text) = await RunAsync("docs", WriteConfig("Host=127.0.0.1;Port=1;Database=none"), "--out", "/nonexistent/dir");

        Assert.True(exitCode == 2, text);
        Assert.Contains("--out: the folder '/nonexistent/dir' does not exist", text);
        AssertNoStackTrace(text);
    }

    [Fact]
    public async Task Docs_WarehouseUnreachableOrNeverMigrated_ExitsThree()
    {
        var (exitCode, text) = await RunAsync("docs", WriteConfig($"Host=127.0.0.1;Port={ThrowawayPostgres.FreePort()};Username=metrics;Database=metrics"), "--out", _directory);
        Assert.True(exitCode == 3, text);
        Assert.Contains("Cannot reach the warehouse", text);

        var empty = await TestPostgres.CreateDatabaseAsync("docs_empty");
        (exitCode, text) = await RunAsync("docs", WriteConfig(empty), "--out", _directory);
        Assert.True(exitCode == 3, text);
        Assert.Contains("run metrics-pipeline migrate first", text);
        Assert.False(File.Exists(Path.Combine(_directory, "dictionary.md")), "an empty dictionary was written for a database without a schema");
        AssertNoStackTrace(text);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
