using System.Diagnostics;
using MetricsPipeline.Configuration;
using MetricsPipeline.Indicators;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Runs several sources with bounded parallelism; one slow or failing source never holds up the others.
/// Then, unless the request leaves it to the service, refreshes the indicators of what the run loaded
/// (and of anything else still queued) in one pass. A failed refresh throws <see cref="IndicatorRefreshException"/>:
/// the loads stay committed and queued.
/// </summary>
public sealed class PipelineRunner(
    IOptions<PipelineOptions> options, SourceRunner sourceRunner, IndicatorRefresher refresher, ILogger<PipelineRunner> logger)
{
    public IReadOnlyList<SourcePlan> Sources => PipelinePlan.CompileOrThrow(options.Value);

    public async Task<IReadOnlyList<SourceRunResult>> RunAsync(
        RunRequest request, string? sourceName, IProgress<WindowProgress>? progress, CancellationToken cancellationToken,
        IProgress<RefreshProgress>? refreshProgress = null)
    {
        var sources = Sources;
        if (sourceName is not null)
        {
            sources = sources.Where(s => s.Name == sourceName).ToList();
            if (sources.Count == 0)
                throw new ArgumentException($"no source named '{sourceName}' is configured (known: {string.Join(", ", Sources.Select(s => s.Name))})");
        }
        var results = new SourceRunResult[sources.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, sources.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallelSources, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await sourceRunner.RunAsync(sources[i], request, progress, ct));
        // Only after a run that committed something: a run whose every window failed (the warehouse down, say)
        // has nothing new to refresh, and its failures are the news. What older runs queued waits for the next.
        if (request.RefreshIndicators && results.Any(r => r.Streams.Any(s => s.Windows.Count > 0)))
            await RefreshIndicatorsAsync(refreshProgress, cancellationToken);
        return results;
    }

    private async Task RefreshIndicatorsAsync(IProgress<RefreshProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            progress?.Report(RefreshProgress.Started);
            var result = await refresher.RefreshQueuedAsync(wait: true, cancellationToken);
            progress?.Report(new RefreshProgress(true, result.Duration, result.Loads, null));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            progress?.Report(new RefreshProgress(true, Stopwatch.GetElapsedTime(started), 0, ex.Message));
            IndicatorLog.RefreshFailed(logger, ex, ex.Message);
            throw new IndicatorRefreshException(
                $"the loads of this run committed, but the indicator refresh failed: {ex.Message}. Their days stay in " +
                "ops.indicator_refresh_queue; the next run-once or backfill, the service, or SELECT * FROM marts.refresh_queued() refreshes them", ex);
        }
    }
}

/// <summary>The facts are loaded but the marts are not yet refreshed; the queue keeps what is owed.</summary>
public sealed class IndicatorRefreshException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The indicator refresh at the end of run-once and backfill: reported once as it starts and once as it ends
/// (<see cref="Finished"/>), with its duration and how many loads it took, or the error that stopped it.
/// </summary>
public sealed record RefreshProgress(bool Finished, TimeSpan Duration, int Loads, string? Error)
{
    public static readonly RefreshProgress Started = new(false, TimeSpan.Zero, 0, null);
}
