using System.Diagnostics;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Ops;

/// <summary>
/// ops/prometheus/alerts.yml, checked by Prometheus's own promtool (Debian's prometheus package, which
/// ops/scripts/test.sh installs): the rules parse, and alerts.test.yml shows each alert firing on the series that
/// should fire it and staying silent otherwise. A missing promtool fails the test; it is never skipped.
/// </summary>
public sealed class PrometheusRulesTests
{
    private static readonly string Rules = Path.Combine(Repository.Root, "ops", "prometheus");

    [Fact]
    public async Task PromtoolCheckRules_TheAlerts_AreValid()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", "alerts.yml");
        Assert.True(exitCode == 0, $"promtool check rules (exit {exitCode}):\n{output}");
        Assert.Contains("SUCCESS: 6 rules found", output);
    }

    [Fact]
    public async Task PromtoolTestRules_EveryAlertFiresWhereItShouldAndOnlyThere()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", "alerts.test.yml");
        Assert.True(exitCode == 0, $"promtool test rules (exit {exitCode}):\n{output}");
        // Every alert the README recommends is exercised by the unit tests.
        var tests = await File.ReadAllTextAsync(Path.Combine(Rules, "alerts.test.yml"));
        foreach (var alert in new[] { "MetricsPipelineDown", "MetricsPipelineSourceStale", "MetricsPipelineBreakerOpen", "MetricsPipelineWindowsFailed",
                     "MetricsPipelineNoSuccessfulRun", "MetricsPipelineRefreshBacklog" })
            Assert.Contains("alertname: " + alert, tests);
    }

    [Fact]
    public async Task PromtoolTestRules_ABrokenRule_IsReported()
    {
        // The test above is only worth something if promtool fails a rule that no longer fires.
        var directory = Directory.CreateTempSubdirectory("mp-promtool-").FullName;
        try
        {
            var rules = await File.ReadAllTextAsync(Path.Combine(Rules, "alerts.yml"));
            await File.WriteAllTextAsync(Path.Combine(directory, "alerts.yml"), rules.Replace("(metrics_pipeline_breaker_state) == 2", "(metrics_pipeline_breaker_state) == 3", StringComparison.Ordinal));
            File.Copy(Path.Combine(Rules, "alerts.test.yml"), Path.Combine(directory, "alerts.test.yml"));
            var (exitCode, output) = await PromtoolInAsync(directory, "test", "rules", "alerts.test.yml");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("MetricsPipelineBreakerOpen", output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments) => PromtoolInAsync(Rules, arguments);

    private static async Task<(int ExitCode, string Output)> PromtoolInAsync(string workingDirectory, params string[] arguments)
    {
        var tool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists)
                   ?? throw new InvalidOperationException("promtool is missing: install Debian's prometheus package (ops/scripts/test.sh does).");
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
