using Dapper;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>Reads ops.source_freshness: per source freshness, last success, last run and its breaker state.</summary>
public sealed class SourceHealthQueries(NpgsqlDataSource warehouse)
{
    public async Task<IReadOnlyList<SourceHealth>> SourcesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SourceHealth>(new CommandDefinition("""
            SELECT source AS Source, expected_freshness AS ExpectedFreshness, data_as_of AS DataAsOf, lag AS Lag,
                   never_pulled AS NeverPulled, streams AS Streams, stale_streams AS StaleStreams, stale AS Stale,
                   last_success_at AS LastSuccessAt, last_run_status AS LastRunStatus, last_run_finished_at AS LastRunFinishedAt,
                   last_run_host AS LastRunHost, breaker_state AS BreakerState
            FROM ops.source_freshness ORDER BY source
            """, cancellationToken: cancellationToken));
        return rows.ToList();
    }
}

/// <summary>One row of ops.source_freshness. Times are UTC.</summary>
public sealed record SourceHealth
{
    public string Source { get; init; } = "";
    public TimeSpan ExpectedFreshness { get; init; }
    public DateTime? DataAsOf { get; init; }
    public TimeSpan? Lag { get; init; }
    public bool NeverPulled { get; init; }
    public long Streams { get; init; }
    public long StaleStreams { get; init; }
    public bool Stale { get; init; }
    public DateTime? LastSuccessAt { get; init; }
    public string? LastRunStatus { get; init; }
    public DateTime? LastRunFinishedAt { get; init; }
    public string? LastRunHost { get; init; }
    public string? BreakerState { get; init; }
}
