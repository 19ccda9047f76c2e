using MetricsPipeline.Tests.Infrastructure;
using static MetricsPipeline.Tests.Integration.Hosting.ConfigurationMistakeTests;

namespace MetricsPipeline.Tests.Integration.Hosting;

/// <summary>serve exits 0 only for a stop signal; any other end is non-zero, so systemd's Restart=on-failure restarts it.</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class ServeExitCodeTests
{
    [Fact]
    public async Task Serve_JobStoreMissingAtStart_ExitsOneWithOneLine()
    {
        await using var h = await PipelineHarness.CreateAsync("serve_nostore");
        await h.ScalarAsync<int>("DROP SCHEMA quartz CASCADE; SELECT 1");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { Metrics = new { Port = ThrowawayPostgres.FreePort() } });

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "serve", "--config", config);

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains("Failed: Database schema validation failed under table prefix 'quartz.qrtz_'.", output);
        Assert.Contains("Re-run with --verbose for the stack trace.", output);
    }

    [Fact]
    public async Task Serve_HostedServiceFailsAfterStart_ExitsOneNamingItInsteadOfZero()
    {
        await using var h = await PipelineHarness.CreateAsync("serve_fatal");
        // Quartz starts (its schema is there), then storing the first source's trigger fails: SourceSchedules,
        // a hosted service, fails after start-up and the host stops on its own. That used to exit 0.
        await h.ScalarAsync<int>("""
            CREATE FUNCTION quartz.refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the trigger store refuses writes'; END $$;
            CREATE TRIGGER refuse_writes BEFORE INSERT ON quartz.qrtz_triggers FOR EACH ROW EXECUTE FUNCTION quartz.refuse_writes();
            SELECT 1
            """);
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { Metrics = new { Port = ThrowawayPostgres.FreePort() } });

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "serve", "--config", config);

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains("serve stopped without a stop signal: SourceSchedules failed: Couldn't store trigger", output);
        Assert.Contains("the trigger store refuses writes", output);
    }

    [Fact]
    public async Task Serve_StopSignal_ExitsZero()
    {
        await using var h = await PipelineHarness.CreateAsync("serve_sigterm");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options,
            new { Metrics = new { Port = ThrowawayPostgres.FreePort() }, Logging = new { LogLevel = new { Default = "Information" } } });
        await using var worker = RunningWorker.Start("serve", "--config", config);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!worker.Output.Contains("Scheduled source grid-app") && !worker.HasExited && watch.Elapsed < TimeSpan.FromSeconds(45))
            await Task.Delay(100);
        Assert.False(worker.HasExited, "serve stopped on its own:\n" + worker.Output);

        await worker.TerminateAsync();

        Assert.True(await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)), "serve did not stop:\n" + worker.Output);
        Assert.True(worker.ExitCode == 0, $"exit code {worker.ExitCode}:\n{worker.Output}");
        AssertNoStackTrace(worker.Output);
    }
}
