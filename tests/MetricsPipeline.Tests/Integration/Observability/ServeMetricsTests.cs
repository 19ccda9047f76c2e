using System.Diagnostics;
using System.Net;
using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Observability;

/// <summary>The real worker's serve verb on a 2-second cron: /metrics carries the pipeline's series, /health/ready follows the warehouse.</summary>
public sealed class ServeMetricsTests
{
    [Fact]
    public async Task Serve_ScrapedMetricsShowRunsRowsFreshnessAndBreakers_AndReadinessFailsWhenTheWarehouseDies()
    {
        await using var h = await PipelineHarness.CreateAsync("serve_metrics");
        await using var server = await ThrowawayPostgres.StartAsync();
        var warehouse = await server.CreateDatabaseAsync("warehouse");
        await using (var migrating = NpgsqlDataSource.Create(warehouse))
            await new WarehouseMigrator(migrating, NullLogger<WarehouseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        h.Options.History.From = today.AddDays(-3);
        // Scheduled runs only queue their days; the service's refresher brings the marts up every second.
        h.Options.Indicators.RefreshInterval = TimeSpan.FromSeconds(1);
        h.Options.Sources[0].Schedule = "0/2 * * * * ?";
        h.Options.Sources[0].Streams.RemoveAt(1);
        // The SQLite source's file is missing: its windows fail, it is never pulled, so it is stale.
        var grid = h.Options.Sources[1];
        grid.Schedule = "0/2 * * * * ?";
        grid.ConnectionString = $"Data Source={Path.Combine(h.Directory, "missing.db")}";
        grid.Streams.RemoveAt(0);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
                ('T01', 'RED', now() - interval '1 day', 3), ('T02', 'WHITE', now() - interval '2 days', 1), ('X9', 'RED', now() - interval '1 day', 1)
            """);
        var port = ThrowawayPostgres.FreePort();
        var config = WorkerProcess.WriteConfig(h.Directory, warehouse, h.Options,
            new { Metrics = new { Port = port, FreshnessInterval = "00:00:01" } });

        using var worker = WorkerProcess.Start("serve", "--config", config);
        var output = new ProcessOutput(worker);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            // Two successful scheduled runs and a freshness reading that has seen them.
            IReadOnlyList<PrometheusSample> samples = [];
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(40))
            {
                Assert.False(worker.HasExited, "the worker exited: " + output);
                samples = await ScrapeAsync(http);
                if (samples.Value("metrics_pipeline_runs_total", ("source", "county-oa"), ("outcome", "succeeded")) >= 2
                    && samples.Value("metrics_pipeline_source_last_success_timestamp_seconds", ("source", "county-oa")) is not null
                    && samples.Value("metrics_pipeline_runs_total", ("source", "grid-app"), ("outcome", "failed")) >= 1
                    && samples.Value("metrics_pipeline_indicators_refreshed_loads_total") >= 1
                    && samples.Value("metrics_pipeline_indicators_refresh_backlog") is not null)
                    break;
                await Task.Delay(250);
            }
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.True(samples.Value("metrics_pipeline_runs_total", ("source", "county-oa"), ("outcome", "succeeded")) >= 2,
                "no two succeeded runs in the scrape; worker output: " + output);
            Assert.True(samples.Value("metrics_pipeline_run_duration_seconds_count", ("source", "county-oa"), ("outcome", "succeeded")) >= 2);
            Assert.True(samples.Value("metrics_pipeline_window_duration_seconds_sum", ("source", "county-oa"), ("stream", "documents"), ("outcome", "succeeded")) > 0);
            Assert.True(samples.Value("metrics_pipeline_window_duration_seconds_bucket", ("source", "county-oa"), ("outcome", "succeeded"), ("le", "+Inf")) >= 2);
            // Every run re-pulls the window: 2 rows into facts and 1 (unknown unit X9) into quarantine each time.
            var loaded = samples.Value("metrics_pipeline_rows_loaded_total", ("source", "county-oa"), ("stream", "documents"));
            var quarantined = samples.Value("metrics_pipeline_rows_quarantined_total", ("source", "county-oa"), ("stream", "documents"));
            Assert.True(loaded >= 4 && loaded % 2 == 0, $"rows loaded {loaded}");
            Assert.Equal(loaded / 2, quarantined);
            Assert.Equal(0, samples.Value("metrics_pipeline_breaker_state", ("source", "county-oa")));
            // Every counter series of the configured sources exists from the start: county-oa never failed, yet its
            // outcome="failed" series are there at 0 for an alert's increase() to watch.
            Assert.Equal(0, samples.Value("metrics_pipeline_runs_total", ("source", "county-oa"), ("outcome", "failed")));
            Assert.Equal(0, samples.Value("metrics_pipeline_runs_total", ("source", "county-oa"), ("outcome", "busy")));
            Assert.Equal(0, samples.Value("metrics_pipeline_windows_total", ("source", "county-oa"), ("stream", "documents"), ("outcome", "failed")));
            Assert.Equal(0, samples.Value("metrics_pipeline_rows_loaded_total", ("source", "grid-app"), ("stream", "checkins")));
            Assert.Equal(0, samples.Value("metrics_pipeline_window_retries_total", ("source", "county-oa")));
            // The build, the service on the resource, and the runtime's and the process's own metrics.
            var build = Assert.Single(samples, x => x.Name == "metrics_pipeline_build_info");
            Assert.Equal(1, build.Value);
            Assert.Equal(MetricsPipeline.Pipeline.Telemetry.BuildInfo.Version, build.Labels["version"]);
            Assert.Matches("^([0-9a-f]{40}|unknown)$", build.Labels["commit"]);
            var target = Assert.Single(samples, x => x.Name == "target_info");
            Assert.Equal("metrics-pipeline", target.Labels["service_name"]);
            Assert.Equal(MetricsPipeline.Pipeline.Telemetry.BuildInfo.Version, target.Labels["service_version"]);
            var names = string.Join(", ", samples.Select(x => x.Name).Distinct());
            Assert.True(samples.Any(x => x.Name == "dotnet_gc_collections_total"), "no .NET runtime metrics in: " + names);
            Assert.True(samples.Any(x => x.Name == "process_memory_usage_bytes" && x.Value > 0), "no process metrics in: " + names);
            Assert.True(samples.Any(x => x.Name == "process_cpu_time_seconds_total"), "no process CPU time in: " + names);
            Assert.True(samples.Value("metrics_pipeline_windows_total", ("source", "grid-app"), ("outcome", "failed")) >= 1);
            Assert.InRange(samples.Value("metrics_pipeline_source_last_success_timestamp_seconds", ("source", "county-oa"))!.Value, now - 60, now + 1);
            Assert.InRange(samples.Value("metrics_pipeline_source_freshness_lag_seconds", ("source", "county-oa"))!.Value, 0, 60);
            Assert.Equal(0, samples.Value("metrics_pipeline_source_stale", ("source", "county-oa")));
            Assert.Equal(1, samples.Value("metrics_pipeline_source_stale", ("source", "grid-app")));
            Assert.Null(samples.Value("metrics_pipeline_source_last_success_timestamp_seconds", ("source", "grid-app")));
            Assert.Equal(2 * 86400, samples.Value("metrics_pipeline_source_expected_freshness_seconds", ("source", "county-oa")));
            // The indicator refresher ran: the marts hold the scheduled loads, and the queue is drained round by round.
            Assert.True(samples.Value("metrics_pipeline_indicators_refreshed_loads_total") >= 1, "no indicator refresh; worker output: " + output);
            Assert.True(samples.Value("metrics_pipeline_indicators_refresh_duration_seconds_count") >= 1);
            Assert.InRange(samples.Value("metrics_pipeline_indicators_refresh_lag_seconds")!.Value, 0, 30);
            // A refresh counted is not yet this load's refresh (the first one may have run before the first
            // commit of the documents): wait, within the same deadline, for the marts to show the documents.
            await using (var wh = new NpgsqlConnection(warehouse))
            {
                await wh.OpenAsync();
                await using var count = new NpgsqlCommand(
                    "SELECT count(*) FROM marts.period_values WHERE unit_code = 'C01' AND category = 'document.formal' AND measure = 'count' AND value = 1", wh);
                long shown = 0;
                while ((shown = (long)(await count.ExecuteScalarAsync())!) == 0 && watch.Elapsed < TimeSpan.FromSeconds(40))
                    await Task.Delay(250);
                Assert.True(shown >= 1, "the marts do not show the scheduled loads within 40 s; worker output: " + output);
            }

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
            var ready = await http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("\"warehouse\"", await ready.Content.ReadAsStringAsync());

            // The warehouse dies: not ready, but still alive.
            await server.CrashAsync();
            HttpResponseMessage? notReady = null;
            watch.Restart();
            while (watch.Elapsed < TimeSpan.FromSeconds(15))
            {
                notReady = await http.GetAsync("/health/ready");
                if (notReady.StatusCode == HttpStatusCode.ServiceUnavailable)
                    break;
                await Task.Delay(200);
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady!.StatusCode);
            Assert.Contains("unreachable", await notReady.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/health/other")).StatusCode);
        }
        finally
        {
            if (!worker.HasExited)
                worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_MetricsPortInUse_StopsWithAConfigurationErrorNamingTheKey()
    {
        await using var h = await PipelineHarness.CreateAsync("serve_port");
        using var occupied = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { Metrics = new { Port = port } });

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "serve", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Metrics:Port: 127.0.0.1:{port} is already in use", output);
    }

    [Fact]
    public async Task Serve_ListenAddressNotAnIpAddress_StopsWithAConfigurationErrorNamingTheKey()
    {
        await using var h = await PipelineHarness.CreateAsync("serve_address");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { Metrics = new { ListenAddress = "metrics.example", Port = ThrowawayPostgres.FreePort() } });

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "serve", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("Metrics:ListenAddress: 'metrics.example' must be an IP address such as 127.0.0.1", output);
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(HttpClient http)
    {
        try { return PrometheusSample.Parse(await http.GetStringAsync("/metrics")); }
        catch (HttpRequestException) { return []; } // not listening yet
    }
}
