using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MetricsPipeline.Pipeline.Resilience;

/// <summary>
/// One Polly pipeline per source, built once from its options and kept for the life of the process, so the
/// circuit breaker remembers failures across windows, streams and scheduled runs. Outermost first:
/// the window timeout (QueryTimeout, all attempts together) → retry of transient errors (exponential backoff
/// with jitter) → circuit breaker (few calls: a scheduled job is not a web server) → attempt timeout.
/// Breakers are per process: each cluster node has its own.
/// </summary>
public sealed class SourcePipelines
{
    /// <summary>Which window an execution is for, so retries and breaker events can name it.</summary>
    public static readonly ResiliencePropertyKey<WindowName> WindowKey = new("metrics-pipeline.window");

    /// <summary>Set when the outer QueryTimeout fired (as opposed to the attempt timeout).</summary>
    public static readonly ResiliencePropertyKey<bool> WindowTimedOutKey = new("metrics-pipeline.window-timed-out");

    /// <summary>
    /// Set by the window loader when an attempt failed on the warehouse side (the staging COPY, the replace, the
    /// commit), not at the source. Such a failure is retried like any transient error but says nothing about the
    /// source, so it does not count towards the source's circuit breaker: a warehouse restart must not open
    /// every source's breaker and keep them failing after the warehouse is back.
    /// </summary>
    public static readonly ResiliencePropertyKey<bool> FailedAtWarehouseKey = new("metrics-pipeline.failed-at-warehouse");

    private readonly ConcurrentDictionary<string, Lazy<SourceResilience>> _bySource = new(StringComparer.Ordinal);
    private readonly PipelineMetrics _metrics;
    private readonly IOptions<PipelineOptions> _options;
    private readonly ILogger<SourcePipelines> _logger;

    public SourcePipelines(PipelineMetrics metrics, IOptions<PipelineOptions> options, ILogger<SourcePipelines> logger)
    {
        _metrics = metrics;
        _options = options;
        _logger = logger;
        metrics.Meter.CreateObservableGauge("metrics_pipeline.breaker.state", ObserveBreakers, null,
            "Circuit breaker of each configured source in this process: 0 closed, 1 half-open (next window is a probe), 2 open (windows fail at once)");
    }

    public SourceResilience For(SourcePlan source) =>
        _bySource.GetOrAdd(source.Name, _ => new Lazy<SourceResilience>(() => Build(source))).Value;

    /// <summary>The breaker state of a source in this process; closed when none of its windows ran yet.</summary>
    public BreakerState StateOf(string source) =>
        _bySource.TryGetValue(source, out var lazy) && lazy.IsValueCreated ? lazy.Value.State : BreakerState.Closed;

    private IEnumerable<Measurement<int>> ObserveBreakers()
    {
        foreach (var source in _options.Value.Sources)
            yield return new Measurement<int>((int)StateOf(source.Name), new KeyValuePair<string, object?>("source", source.Name));
    }

    private SourceResilience Build(SourcePlan source)
    {
        var options = source.Resilience;
        var name = source.Name;
        var transient = new PredicateBuilder().Handle<Exception>(TransientErrors.IsTransient);
        var breaker = new CircuitBreakerStateProvider();
        var builder = new ResiliencePipelineBuilder { Name = $"source:{name}" };

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "window-timeout",
            Timeout = source.QueryTimeout,
            OnTimeout = args =>
            {
                args.Context.Properties.Set(WindowTimedOutKey, true);
                return default;
            },
        });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "retry",
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    var window = args.Context.Properties.GetValue(WindowKey, new WindowName(name, "?", "?"));
                    _metrics.AttemptRetried(name);
                    ResilienceLog.AttemptRetried(_logger, window.Source, window.Stream, window.Window, args.AttemptNumber + 1,
                        args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? "no result");
                    return default;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            Name = "breaker",
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } error && TransientErrors.IsTransient(error)
                && !args.Context.Properties.GetValue(FailedAtWarehouseKey, false)),
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerDuration,
            StateProvider = breaker,
            OnOpened = args =>
            {
                ResilienceLog.BreakerOpened(_logger, name, args.BreakDuration, args.Outcome.Exception?.Message ?? "no result");
                return default;
            },
            OnHalfOpened = _ =>
            {
                ResilienceLog.BreakerHalfOpened(_logger, name);
                return default;
            },
            OnClosed = _ =>
            {
                ResilienceLog.BreakerClosed(_logger, name);
                return default;
            },
        });
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.AttemptTimeout });
        return new SourceResilience(builder.Build(), breaker);
    }
}

/// <summary>A source's pipeline and its breaker.</summary>
public sealed class SourceResilience(ResiliencePipeline pipeline, CircuitBreakerStateProvider breaker)
{
    public ResiliencePipeline Pipeline { get; } = pipeline;

    public BreakerState State => breaker.CircuitState switch
    {
        CircuitState.Closed => BreakerState.Closed,
        CircuitState.HalfOpen => BreakerState.HalfOpen,
        _ => BreakerState.Open, // Open, or Isolated by hand
    };
}

/// <summary>Breaker states as the metric reports them (0, 1, 2) and ops.runs.breaker_state stores them.</summary>
public enum BreakerState
{
    Closed = 0,
    HalfOpen = 1,
    Open = 2,
}

public static class BreakerStateNames
{
    public static string ToText(this BreakerState state) => state switch
    {
        BreakerState.Closed => "closed",
        BreakerState.HalfOpen => "half-open",
        _ => "open",
    };
}

/// <summary>The window an execution belongs to, for log events.</summary>
public sealed record WindowName(string Source, string Stream, string Window);
