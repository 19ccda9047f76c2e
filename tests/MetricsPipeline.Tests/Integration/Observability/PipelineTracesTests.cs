using System.Collections.Concurrent;
using System.Diagnostics;
using MetricsPipeline.Pipeline.Telemetry;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Observability;

/// <summary>
/// A real run-once against the test PostgreSQL (one source that loads, one whose SQLite file is missing), its spans
/// collected in memory by an ActivityListener on the "MetricsPipeline" source, as the OTLP exporter's tracer would
/// see them. Every span is checked against what the ledger recorded for the same run.
/// </summary>
public sealed class PipelineTracesTests
{
    [Fact]
    public async Task RunOnce_EmitsASpanPerRunPerWindowAndPerRefresh_MatchingTheLedger()
    {
        await using var h = await PipelineHarness.CreateAsync("traces");
        h.Options.Sources[0].Streams.RemoveAt(1);
        h.Options.Sources[1].ConnectionString = $"Data Source={Path.Combine(h.Directory, "missing.db")}";
        h.Options.Sources[1].Streams.RemoveAt(0);
        await h.ExecuteSourceAsync("""
            INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES
                ('T01', 'RED', '2025-03-08 02:00+00', 3), ('T02', 'WHITE', '2025-02-03 02:00+00', 1), ('X9', 'RED', '2025-03-09 02:00+00', 1)
            """);

        // Other tests run pipelines in this process at the same time: only the spans of this test's trace count.
        using var testSource = new ActivitySource("MetricsPipeline.Tests.Traces");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is PipelineActivities.SourceName || s.Name == testSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        ActivityTraceId trace;
        using (var test = testSource.StartActivity("test")!)
        {
            trace = test.TraceId;
            await h.RunOnceAsync();
        }
        var mine = spans.Where(s => s.TraceId == trace && s.Source.Name == PipelineActivities.SourceName).ToList();

        var runs = mine.Where(s => s.OperationName == PipelineActivities.Run).ToDictionary(s => (string)s.GetTagItem("metrics_pipeline.source")!);
        Assert.Equal(["county-oa", "grid-app"], runs.Keys.Order());
        var ledgerRuns = (await h.QueryAsync<(long RunId, string Source, string Status)>("SELECT run_id, source, status FROM ops.runs")).ToDictionary(r => r.Source);
        foreach (var (source, run) in runs)
            Assert.Equal(ledgerRuns[source].RunId, (long)run.GetTagItem("metrics_pipeline.run_id")!);
        Assert.Equal("succeeded", runs["county-oa"].GetTagItem("metrics_pipeline.outcome"));
        Assert.Equal(ActivityStatusCode.Ok, runs["county-oa"].Status);
        Assert.Equal("failed", runs["grid-app"].GetTagItem("metrics_pipeline.outcome"));
        Assert.Equal(ActivityStatusCode.Error, runs["grid-app"].Status);
        Assert.Contains("grid-app/", runs["grid-app"].StatusDescription);

        // One window span per ledger window, a child of its run, with the same days, rows and outcome.
        var windows = mine.Where(s => s.OperationName == PipelineActivities.Window).ToList();
        var ledgerWindows = await h.QueryAsync<(string Source, string Stream, DateTime DayFrom, DateTime DayTo, string Status, long? SourceRows, long? FactRows, long? QuarantinedRows)>(
            "SELECT source, stream, day_from, day_to, status, source_rows, fact_rows, quarantined_rows FROM ops.windows ORDER BY window_id");
        Assert.NotEmpty(ledgerWindows);
        Assert.Equal(ledgerWindows.Count, windows.Count);
        foreach (var w in ledgerWindows)
        {
            var span = Assert.Single(windows, s => (string)s.GetTagItem("metrics_pipeline.source")! == w.Source
                && (string)s.GetTagItem("metrics_pipeline.window.from")! == w.DayFrom.ToString("yyyy-MM-dd")
                && (string)s.GetTagItem("metrics_pipeline.window.to")! == w.DayTo.ToString("yyyy-MM-dd"));
            Assert.Equal(runs[w.Source].SpanId, span.ParentSpanId);
            Assert.Equal(w.Stream, span.GetTagItem("metrics_pipeline.stream"));
            Assert.Equal(w.Status, span.GetTagItem("metrics_pipeline.outcome"));
            if (w.Status == "succeeded")
            {
                Assert.Equal(w.SourceRows, (long)span.GetTagItem("metrics_pipeline.rows.source")!);
                Assert.Equal(w.FactRows, (long)span.GetTagItem("metrics_pipeline.rows.facts")!);
                Assert.Equal(w.QuarantinedRows, (long)span.GetTagItem("metrics_pipeline.rows.quarantined")!);
            }
            else
            {
                Assert.Equal(ActivityStatusCode.Error, span.Status);
            }
        }
        Assert.Equal(3, windows.Where(s => s.GetTagItem("metrics_pipeline.outcome") is "succeeded").Sum(s => (long)s.GetTagItem("metrics_pipeline.rows.source")!));

        // run-once ends with the indicator refresh of what it queued.
        var refresh = Assert.Single(mine, s => s.OperationName == PipelineActivities.IndicatorRefresh);
        Assert.Equal("succeeded", refresh.GetTagItem("metrics_pipeline.outcome"));
        Assert.True((int)refresh.GetTagItem("metrics_pipeline.refresh.loads")! >= 1);
    }
}
