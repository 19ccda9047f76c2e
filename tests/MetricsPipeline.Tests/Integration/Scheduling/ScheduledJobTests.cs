using System.Diagnostics;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Worker.Hosting;
using MetricsPipeline.Worker.Scheduling;
using Microsoft.Extensions.Hosting;

namespace MetricsPipeline.Tests.Integration.Scheduling;

public sealed class ScheduledJobTests
{
    [Fact]
    public async Task Serve_CronTrigger_FiresTheSourceJobFromThePersistentClusteredStore()
    {
        await using var h = await PipelineHarness.CreateAsync("quartz");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        h.Options.History.From = today.AddDays(-3);
        h.Options.Sources.RemoveAt(1);
        h.Options.Sources[0].Schedule = "0/2 * * * * ?"; // every two seconds
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', now() - interval '1 day', 3)");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options);

        var builder = WorkerHost.CreateBuilder(new FileInfo(config), logToStandardError: true);
        builder.AddPipelineScheduling();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(60)
                   && await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE trigger = 'schedule' AND status = 'succeeded'") < 2)
                await Task.Delay(200);
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.True(await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE trigger = 'schedule' AND status = 'succeeded'") >= 2,
            "the cron trigger did not fire the source job twice within 60 s");
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT count(*) FROM quartz.qrtz_job_details WHERE job_name = 'county-oa' AND job_group = 'sources' AND is_nonconcurrent"));
        Assert.Equal("0/2 * * * * ?", await h.ScalarAsync<string>("SELECT cron_expression FROM quartz.qrtz_cron_triggers WHERE trigger_name = 'county-oa'"));
        Assert.True(await h.ScalarAsync<long>("SELECT count(*) FROM quartz.qrtz_scheduler_state") >= 1, "no clustered node checked in");
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.runs WHERE status = 'running'"));
        Assert.Equal(3, await h.ScalarAsync<long>("SELECT sum(value) FROM facts.daily WHERE measure = 'pages'"));
    }
}
