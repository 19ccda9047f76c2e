using System.Diagnostics;
using System.Text.Json.Nodes;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>The log format outside systemd: simple lines by default, JSON when Logging:Console:FormatterName asks for it.</summary>
public sealed class LogFormatTests
{
    [Fact]
    public async Task RunOnce_JsonRequestedThroughTheEnvironment_WritesJsonLinesOnStderrAndTheTableOnStdout()
    {
        await using var h = await PipelineHarness.CreateAsync("log_json");
        h.Options.History.From = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3);
        h.Options.Sources.RemoveAt(1);
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options,
            new { Logging = new { LogLevel = new { Default = "Warning", MetricsPipeline = "Information" } } });

        var (exitCode, stdout, stderr) = await RunAsync(new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "json" }, "run-once", "--config", config);

        Assert.True(exitCode == 0, stdout + stderr);
        var entries = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var started = Assert.Single(entries, e => (int)e["EventId"]! == 71001);
        Assert.Equal("county-oa", (string?)started["State"]!["Source"]);
        Assert.Equal("run-once", (string?)started["State"]!["Trigger"]);
        Assert.Contains(entries, e => (int)e["EventId"]! == 71101 && (string?)e["State"]!["Stream"] == "documents");
        Assert.DoesNotContain("\"EventId\"", stdout);
        Assert.Contains("county-oa", stdout);
    }

    [Fact]
    public async Task RunOnce_ByDefault_WritesOneSimpleLinePerEventWithUtcTimeLevelCategoryAndEventId()
    {
        await using var h = await PipelineHarness.CreateAsync("log_simple");
        h.Options.History.From = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3);
        h.Options.Sources.RemoveAt(1);
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options,
            new { Logging = new { LogLevel = new { Default = "Warning", MetricsPipeline = "Information" } } });

        var (exitCode, stdout, stderr) = await RunAsync(null, "run-once", "--config", config);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: MetricsPipeline\.Pipeline\.SourceRunner\[71001\] Run \d+ of source county-oa started \(run-once\)$", stderr);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WorkerProcess.WorkerDll);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
