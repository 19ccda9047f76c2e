using System.Data;
using System.Diagnostics;
using Dapper;
using MetricsPipeline.Pipeline.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetricsPipeline.Indicators;

/// <summary>
/// Brings the marts up to date with the facts: drains ops.indicator_refresh_queue through
/// marts.refresh_queued(), which merges the queued day ranges and refreshes each merged range once.
/// Loads only queue; this is the one place the refresh runs (end of run-once and backfill, and the
/// service's periodic refresher), so a warehouse-wide lock is taken once per batch instead of once per window.
/// </summary>
public sealed class IndicatorRefresher(NpgsqlDataSource warehouse, PipelineMetrics metrics, ILogger<IndicatorRefresher> logger)
{
    /// <summary>The advisory lock key marts.refresh_periods serializes on ('marts' in ASCII).</summary>
    private const long RefreshLockKey = 469786326131;

    /// <summary>
    /// Refreshes everything queued. <paramref name="wait"/> = false returns <see cref="IndicatorRefreshResult.Busy"/>
    /// at once when another process holds the refresh lock (it, or the next round, takes what is queued);
    /// true waits for it. The refresh is one transaction: cancelled or failed, the queue is as it was.
    /// </summary>
    public async Task<IndicatorRefreshResult> RefreshQueuedAsync(bool wait, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var activity = PipelineActivities.StartIndicatorRefresh()?.SetTag("metrics_pipeline.refresh.wait", wait);
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!wait && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT pg_try_advisory_xact_lock(@key)", new { key = RefreshLockKey }, transaction,
                commandType: CommandType.Text, cancellationToken: cancellationToken)))
        {
            activity.SetOutcome(null, "busy");
            return IndicatorRefreshResult.Busy;
        }

        // No command timeout: a refresh after a backfill of years may take minutes; cancellation still stops it.
        var ranges = (await connection.QueryAsync<RefreshedRange>(new CommandDefinition("""
            SELECT day_from AS DayFrom, day_to AS DayTo, categories AS Categories, loads AS Loads FROM marts.refresh_queued()
            """, transaction: transaction, commandTimeout: 0, commandType: CommandType.Text, cancellationToken: cancellationToken))).ToList();
        await transaction.CommitAsync(cancellationToken);

        var result = new IndicatorRefreshResult(ranges, watch.Elapsed, WasBusy: false);
        activity?.SetTag("metrics_pipeline.refresh.loads", result.Loads).SetTag("metrics_pipeline.refresh.ranges", ranges.Count)
            .SetOutcome(null);
        if (ranges.Count > 0)
        {
            metrics.IndicatorsRefreshed(result);
            IndicatorLog.Refreshed(logger, result.Loads, ranges.Count,
                string.Join(", ", ranges.Select(r => $"{r.DayFrom:yyyy-MM-dd}..{r.DayTo:yyyy-MM-dd}")), result.Duration.TotalMilliseconds);
        }
        return result;
    }

    /// <summary>How many loads wait for a refresh, and since when: the indicators' lag behind the facts.</summary>
    public async Task<RefreshBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<RefreshBacklog>(new CommandDefinition(
            "SELECT count(*) AS Loads, min(queued_at) AS OldestQueuedAt FROM ops.indicator_refresh_queue",
            commandType: CommandType.Text, cancellationToken: cancellationToken));
    }
}

/// <summary>One merged day range that was refreshed, and how many queued loads it covered.</summary>
public sealed record RefreshedRange
{
    public DateOnly DayFrom { get; init; }
    public DateOnly DayTo { get; init; }
    public string[] Categories { get; init; } = [];
    public int Loads { get; init; }
}

public sealed record IndicatorRefreshResult(IReadOnlyList<RefreshedRange> Ranges, TimeSpan Duration, bool WasBusy)
{
    public static readonly IndicatorRefreshResult Busy = new([], TimeSpan.Zero, WasBusy: true);

    public int Loads => Ranges.Sum(r => r.Loads);
}

public sealed record RefreshBacklog
{
    public long Loads { get; init; }
    public DateTime? OldestQueuedAt { get; init; }
}

internal static partial class IndicatorLog
{
    [LoggerMessage(EventId = 71401, Level = LogLevel.Information,
        Message = "Indicators refreshed for {Loads} queued loads in {Ranges} day ranges ({Days}) in {ElapsedMs:F0} ms")]
    public static partial void Refreshed(ILogger logger, int loads, int ranges, string days, double elapsedMs);

    [LoggerMessage(EventId = 71402, Level = LogLevel.Error,
        Message = "Indicator refresh failed; the queued loads stay queued for the next attempt: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, Exception exception, string reason);
}
