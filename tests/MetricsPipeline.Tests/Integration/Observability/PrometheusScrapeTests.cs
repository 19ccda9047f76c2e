using System.Diagnostics;
using System.Text.Json;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Observability;

/// <summary>A real Prometheus (Debian's package, installed by ops/scripts/test.sh) scrapes the real worker.</summary>
public sealed class PrometheusScrapeTests
{
    private const string PrometheusBinary = "/usr/bin/prometheus";

    [Fact]
    public async Task Prometheus_ScrapingTheServeVerb_StoresThePipelineSeries()
    {
        Assert.True(File.Exists(PrometheusBinary),
            $"{PrometheusBinary} is missing: this test needs Debian's prometheus package. Run the tests through ops/scripts/test.sh, which installs it.");

        await using var h = await PipelineHarness.CreateAsync("prometheus");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        h.Options.History.From = today.AddDays(-2);
        h.Options.Sources.RemoveAt(1);
        h.Options.Sources[0].Schedule = "0/2 * * * * ?";
        await h.ExecuteSourceAsync("INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', now() - interval '1 day', 3)");
        var metricsPort = ThrowawayPostgres.FreePort();
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { Metrics = new { Port = metricsPort, FreshnessInterval = "00:00:01" } });

        var prometheusPort = ThrowawayPostgres.FreePort();
        var prometheusDirectory = Path.Combine(h.Directory, "prometheus");
        Directory.CreateDirectory(prometheusDirectory);
        var prometheusConfig = Path.Combine(prometheusDirectory, "prometheus.yml");
        File.WriteAllText(prometheusConfig, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: metrics-pipeline
                static_configs:
                  - targets: ['127.0.0.1:{metricsPort}']
            """);

        using var worker = WorkerProcess.Start("serve", "--config", config);
        var workerOutput = new ProcessOutput(worker);
        using var prometheus = Process.Start(new ProcessStartInfo(PrometheusBinary)
        {
            ArgumentList =
            {
                $"--config.file={prometheusConfig}", $"--storage.tsdb.path={Path.Combine(prometheusDirectory, "data")}",
                $"--web.listen-address=127.0.0.1:{prometheusPort}", "--log.level=warn",
            },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        var prometheusOutput = new ProcessOutput(prometheus);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            JsonElement runs = default;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(40))
            {
                Assert.False(worker.HasExited, "the worker exited: " + workerOutput);
                Assert.False(prometheus.HasExited, "prometheus exited: " + prometheusOutput);
                runs = await QueryAsync(http, "metrics_pipeline_runs_total{source=\"county-oa\",outcome=\"succeeded\"}");
                if (runs.ValueKind == JsonValueKind.Array && runs.GetArrayLength() > 0 && Number(runs[0]) >= 1)
                    break;
                await Task.Delay(500);
            }
            Assert.True(runs.ValueKind == JsonValueKind.Array && runs.GetArrayLength() > 0,
                $"Prometheus has no metrics_pipeline_runs_total for county-oa.\nworker: {workerOutput}\nprometheus: {prometheusOutput}");
            Assert.Equal("metrics-pipeline", runs[0].GetProperty("metric").GetProperty("job").GetString());

            var up = await QueryAsync(http, "up{job=\"metrics-pipeline\"}");
            Assert.Equal(1, Number(up[0]));
            var breaker = await QueryAsync(http, "metrics_pipeline_breaker_state{source=\"county-oa\"}");
            Assert.Equal(0, Number(breaker[0]));
            var loaded = await QueryAsync(http, "metrics_pipeline_rows_loaded_total{source=\"county-oa\",stream=\"documents\"}");
            Assert.True(Number(loaded[0]) >= 1);
            var windows = await QueryAsync(http, "metrics_pipeline_window_duration_seconds_count{source=\"county-oa\",outcome=\"succeeded\"}");
            Assert.True(windows.GetArrayLength() >= 1, "no window duration histogram in Prometheus");
        }
        finally
        {
            foreach (var process in new[] { prometheus, worker })
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>An instant query through the HTTP API; returns data.result.</summary>
    private static async Task<JsonElement> QueryAsync(HttpClient http, string query)
    {
        try
        {
            using var response = await http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
            if (!response.IsSuccessStatusCode)
                return default;
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return document.RootElement.GetProperty("data").GetProperty("result").Clone();
        }
        catch (HttpRequestException) { return default; } // not listening yet
    }

    private static double Number(JsonElement sample) =>
        double.Parse(sample.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
}
