using System.Diagnostics;
using System.Diagnostics.Metrics;
using MetricsPipeline.Warehouse;

namespace MetricsPipeline.Pipeline.Telemetry;

/// <summary>
/// The pipeline's instruments on the Meter "MetricsPipeline" (exported by the worker's serve verb; with no
/// listener they cost nothing). Counters and histograms are this process's own; the per-source freshness
/// gauges report what the warehouse says (<see cref="UpdateSourceHealth"/>), so every node of a cluster
/// shows the same freshness whichever node ran the source. Names as Prometheus scrapes them are in README.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "MetricsPipeline";

    /// <summary>Every outcome a run is counted under, so each series exists (at 0) before its first occurrence.</summary>
    public static readonly IReadOnlyList<string> RunOutcomes = ["succeeded", "failed", "busy", "repeat"];

    public static readonly IReadOnlyList<string> WindowOutcomes = ["succeeded", "failed"];

    private static readonly IReadOnlyList<double> DurationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private readonly TimeProvider _clock;
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _runDuration;
    private readonly Counter<long> _windows;
    private readonly Histogram<double> _windowDuration;
    private readonly Counter<long> _rowsLoaded;
    private readonly Counter<long> _rowsQuarantined;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _refreshDuration;
    private readonly Counter<long> _refreshedLoads;
    private volatile IReadOnlyList<SourceHealth> _health = [];
    private volatile Indicators.RefreshBacklog? _backlog;

    public PipelineMetrics(IMeterFactory meters, TimeProvider clock)
    {
        _clock = clock;
        Meter = meters.Create(MeterName);
        _runs = Meter.CreateCounter<long>("metrics_pipeline.runs", "{run}",
            "Runs of a source by outcome: succeeded, failed (a window or the run failed), busy (another run held the source's lock), repeat (a recovered firing whose slot had already run)");
        _runDuration = Meter.CreateHistogram("metrics_pipeline.run.duration", "s", "Duration of a run of a source, all its streams",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _windows = Meter.CreateCounter<long>("metrics_pipeline.windows", "{window}", "Windows by outcome: succeeded or failed (rolled back)");
        _windowDuration = Meter.CreateHistogram("metrics_pipeline.window.duration", "s",
            "Duration of one window, all attempts together, by outcome", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _rowsLoaded = Meter.CreateCounter<long>("metrics_pipeline.rows.loaded", "{row}", "Source rows counted into facts by succeeded windows");
        _rowsQuarantined = Meter.CreateCounter<long>("metrics_pipeline.rows.quarantined", "{row}", "Source rows kept in ops.quarantine by succeeded windows");
        _retries = Meter.CreateCounter<long>("metrics_pipeline.window.retries", "{retry}", "Window attempts retried after a transient error");

        _refreshDuration = Meter.CreateHistogram("metrics_pipeline.indicators.refresh.duration", "s",
            "Duration of one indicator refresh (a drain of ops.indicator_refresh_queue that found work)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _refreshedLoads = Meter.CreateCounter<long>("metrics_pipeline.indicators.refreshed_loads", "{load}",
            "Queued loads (windows, files) whose days this process refreshed in the marts");
        Meter.CreateObservableGauge<long>("metrics_pipeline.indicators.refresh_backlog", () => _backlog is { } b ? [new Measurement<long>(b.Loads)] : Array.Empty<Measurement<long>>(),
            "{load}", "Loads waiting in ops.indicator_refresh_queue at the last look (from the warehouse)");
        Meter.CreateObservableGauge<double>("metrics_pipeline.indicators.refresh_lag", () => _backlog is { } b
                ? [new Measurement<double>(b.OldestQueuedAt is { } at ? Math.Max(0, (_clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))).TotalSeconds) : 0)]
                : Array.Empty<Measurement<double>>(),
            "s", "Seconds since the oldest load still waiting for the indicator refresh committed; 0 when the marts are current");

        var buildTags = new TagList { { "version", BuildInfo.Version }, { "commit", BuildInfo.Commit ?? "unknown" } };
        Meter.CreateObservableGauge("metrics_pipeline.build_info", () => new Measurement<long>(1, buildTags), null,
            "Always 1; the labels say which build runs (version, and the git commit it was built from, or unknown)");

        Meter.CreateObservableGauge("metrics_pipeline.source.last_success_timestamp", () => Observe(h => h.LastSuccessAt is { } at
                ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds() / 1000.0 : null),
            "s", "Unix time of the last run of the source in which every stream succeeded (from the warehouse)");
        Meter.CreateObservableGauge("metrics_pipeline.source.freshness_lag", () => Observe(h => Lag(h)?.TotalSeconds),
            "s", "Seconds since the newest data of the source: the end of its last covered day, or the pull that covered it if earlier; the stalest stream counts");
        Meter.CreateObservableGauge("metrics_pipeline.source.expected_freshness", () => Observe(h => h.ExpectedFreshness.TotalSeconds),
            "s", "The source's ExpectedFreshness");
        Meter.CreateObservableGauge("metrics_pipeline.source.stale", () => Observe(h => IsStale(h) ? 1 : 0),
            null, "1 when the source's data is older than its ExpectedFreshness or a stream was never pulled, else 0");
    }

    /// <summary>The meter, for instruments that belong to other parts of the pipeline (the breakers).</summary>
    public Meter Meter { get; }

    /// <summary>
    /// Creates every counter series of the configured sources at 0: runs by each outcome, windows by each outcome,
    /// rows and retries, the refreshed loads. A series that appears only with its first increment cannot be alerted
    /// on (increase() over a series that did not exist is empty, not 1), so outcome="failed" must exist before the first failure.
    /// </summary>
    public void SeedSeries(IEnumerable<(string Source, IReadOnlyList<string> Streams)> sources)
    {
        foreach (var (source, streams) in sources)
        {
            foreach (var outcome in RunOutcomes)
                _runs.Add(0, new TagList { { "source", source }, { "outcome", outcome } });
            _retries.Add(0, new KeyValuePair<string, object?>("source", source));
            foreach (var stream in streams)
            {
                var tags = new TagList { { "source", source }, { "stream", stream } };
                _rowsLoaded.Add(0, tags);
                _rowsQuarantined.Add(0, tags);
                foreach (var outcome in WindowOutcomes)
                    _windows.Add(0, new TagList { { "source", source }, { "stream", stream }, { "outcome", outcome } });
            }
        }
        _refreshedLoads.Add(0);
    }

    public void RunFinished(string source, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "source", source }, { "outcome", outcome } };
        _runs.Add(1, tags);
        _runDuration.Record(duration.TotalSeconds, tags);
    }

    public void WindowSucceeded(string source, string stream, WindowOutcome outcome)
    {
        var tags = new TagList { { "source", source }, { "stream", stream } };
        _rowsLoaded.Add(outcome.Counts.FactRows, tags);
        _rowsQuarantined.Add(outcome.Counts.QuarantinedRows, tags);
        tags.Add("outcome", "succeeded");
        _windows.Add(1, tags);
        _windowDuration.Record(outcome.Duration.TotalSeconds, tags);
    }

    public void WindowFailed(string source, string stream, TimeSpan duration)
    {
        var tags = new TagList { { "source", source }, { "stream", stream }, { "outcome", "failed" } };
        _windows.Add(1, tags);
        _windowDuration.Record(duration.TotalSeconds, tags);
    }

    public void AttemptRetried(string source) => _retries.Add(1, new KeyValuePair<string, object?>("source", source));

    public void IndicatorsRefreshed(Indicators.IndicatorRefreshResult result)
    {
        _refreshDuration.Record(result.Duration.TotalSeconds);
        _refreshedLoads.Add(result.Loads);
    }

    /// <summary>The refresh queue as the warehouse last reported it (the service's refresher reads it every round).</summary>
    public void UpdateRefreshBacklog(Indicators.RefreshBacklog backlog) => _backlog = backlog;

    /// <summary>Replaces the freshness the gauges report with a new reading of ops.source_freshness.</summary>
    public void UpdateSourceHealth(IReadOnlyList<SourceHealth> health) => _health = health;

    private TimeSpan? Lag(SourceHealth h) =>
        h.DataAsOf is { } asOf ? _clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(asOf, DateTimeKind.Utc)) : null;

    private bool IsStale(SourceHealth h) => h.NeverPulled || Lag(h) is not { } lag || lag > h.ExpectedFreshness;

    private IEnumerable<Measurement<double>> Observe(Func<SourceHealth, double?> value)
    {
        foreach (var h in _health)
        {
            if (value(h) is { } v)
                yield return new Measurement<double>(v, new KeyValuePair<string, object?>("source", h.Source));
        }
    }
}
