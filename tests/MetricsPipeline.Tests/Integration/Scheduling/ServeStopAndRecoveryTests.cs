using System.Diagnostics;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Scheduling;

/// <summary>
/// The service process stopped while a scheduled job is loading windows: by SIGKILL (a crash; another node
/// recovers the firing) and by SIGTERM (systemctl stop; the window rolls back, the process exits 0, and the
/// firing is handed back so it is not lost).
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class ServeStopAndRecoveryTests
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Serve_SigkilledWhileItsJobRuns_AnotherServeProcessRecoversThatFiring()
    {
        await using var scenario = await LongJobScenario.CreateAsync("recover");
        await using (var first = RunningWorker.Start("serve", "--config", scenario.Config))
        {
            var interrupted = await scenario.WaitForRunningScheduledRunAsync(first);
            var firstInstance = await scenario.ScalarAsync<string>("SELECT instance_name FROM quartz.qrtz_scheduler_state LIMIT 1");
            Assert.True(await scenario.ScalarAsync<bool>(
                "SELECT bool_and(requests_recovery) FROM quartz.qrtz_fired_triggers WHERE instance_name = @firstInstance AND state = 'EXECUTING'",
                new { firstInstance }), "the executing firing does not request recovery");
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));

            await using var second = RunningWorker.Start("serve", "--config", scenario.Config);
            var recovered = await scenario.WaitForSucceededRunOfSlotAsync(interrupted.ScheduledFireTime, second, TimeSpan.FromSeconds(45));
            await second.TerminateAsync();
            Assert.True(await second.WaitForExitAsync(ShutdownTimeout), "the second worker did not stop");

            // The dead node's firing is gone from Quartz's table: recovered, not left to block the job.
            Assert.Equal(0, await scenario.ScalarAsync<long>("SELECT count(*) FROM quartz.qrtz_fired_triggers WHERE instance_name = @firstInstance", new { firstInstance }));
            Assert.True(recovered > interrupted.RunId);
            Assert.StartsWith("abandoned:", await scenario.ScalarAsync<string>("SELECT error FROM ops.runs WHERE run_id = @runId", new { runId = interrupted.RunId }));
        }
        await scenario.AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task Serve_Sigterm_RollsBackTheWindowInProgressExitsZeroAndHandsTheFiringBack()
    {
        await using var scenario = await LongJobScenario.CreateAsync("sigterm");
        LongJobScenario.RunRow interrupted;
        await using (var worker = RunningWorker.Start("serve", "--config", scenario.Config))
        {
            interrupted = await scenario.WaitForRunningScheduledRunAsync(worker);
            var watch = Stopwatch.StartNew();
            await worker.TerminateAsync();
            Assert.True(await worker.WaitForExitAsync(ShutdownTimeout), $"serve did not exit within {ShutdownTimeout} of SIGTERM:\n{worker.Output}");
            Assert.True(worker.ExitCode == 0, $"exit code {worker.ExitCode}:\n{worker.Output}");
            // The window is cancelled, not waited for: the stop takes about one window, far below the timeout.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {watch.Elapsed}");
        }

        var run = await scenario.QueryAsync<(string Status, string Error)>("SELECT status, error FROM ops.runs WHERE run_id = @runId", new { runId = interrupted.RunId });
        Assert.Equal("failed", run[0].Status);
        Assert.StartsWith("cancelled", run[0].Error);
        Assert.True(await scenario.ScalarAsync<long>("SELECT count(*) FROM ops.windows WHERE run_id = @runId AND status = 'succeeded'", new { runId = interrupted.RunId }) >= 1,
            "no window had committed before the stop; the test did not stop the job mid-run");
        await scenario.AssertLedgerConsistentAsync();

        // The firing went back to the store for recovery; a worker started again runs that same slot to the end.
        Assert.Equal(1, await scenario.ScalarAsync<long>("SELECT count(*) FROM quartz.qrtz_triggers WHERE trigger_group = 'RECOVERING_JOBS' AND job_name = 'county-oa'"));
        await using var restarted = RunningWorker.Start("serve", "--config", scenario.Config);
        await scenario.WaitForSucceededRunOfSlotAsync(interrupted.ScheduledFireTime, restarted, TimeSpan.FromSeconds(45));
        await restarted.TerminateAsync();
        Assert.True(await restarted.WaitForExitAsync(ShutdownTimeout));
        await scenario.AssertLedgerConsistentAsync();
    }
}
