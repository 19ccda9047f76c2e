using Dapper;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>What the status verb shows: per stream the last window, coverage and quarantine; indicator freshness.</summary>
public sealed class StatusQueries(NpgsqlDataSource warehouse)
{
    public async Task<IReadOnlyList<StreamStatus>> StreamsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StreamStatus>(new CommandDefinition("""
            SELECT s.source AS Source, s.stream AS Stream, s.active AS Active,
                   w.status AS LastStatus, w.finished_at AS LastFinishedAt, w.day_from AS LastFrom, w.day_to AS LastTo, w.error AS LastError,
                   ok.finished_at AS LastSuccessAt,
                   c.first_day AS CoveredFrom, c.last_day AS CoveredTo, COALESCE(c.days, 0) AS CoveredDays,
                   COALESCE(q.rows, 0) AS QuarantinedRows
            FROM ref.streams s
            LEFT JOIN LATERAL (SELECT * FROM ops.windows w WHERE w.source = s.source AND w.stream = s.stream
                               ORDER BY w.finished_at DESC LIMIT 1) w ON true
            LEFT JOIN LATERAL (SELECT max(finished_at) AS finished_at FROM ops.windows w
                               WHERE w.source = s.source AND w.stream = s.stream AND w.status = 'succeeded') ok ON true
            LEFT JOIN LATERAL (SELECT min(day) AS first_day, max(day) AS last_day, count(*) AS days FROM ops.coverage c
                               WHERE c.source = s.source AND c.stream = s.stream) c ON true
            LEFT JOIN LATERAL (SELECT sum(row_count) AS rows FROM ops.quarantine q
                               WHERE q.source = s.source AND q.stream = s.stream) q ON true
            ORDER BY s.source, s.stream
            """, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<IReadOnlyList<QuarantineSummary>> QuarantineAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<QuarantineSummary>(new CommandDefinition("""
            SELECT source AS Source, stream AS Stream, reason AS Reason, sum(row_count) AS Rows, count(*) AS Groups
            FROM ops.quarantine GROUP BY source, stream, reason ORDER BY source, stream, reason
            """, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<DateTime?> IndicatorsRefreshedAtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            // When values last changed: a stored sum, or a coverage change that turned derived NULLs into zeros
            // (marts.period_values derives those from marts.period_coverage; reading the view would derive them all).
            """
            SELECT greatest((SELECT max(computed_at) FROM marts.period_sums),
                            (SELECT max(known_since) FROM marts.period_coverage))
            """, cancellationToken: cancellationToken));
    }
}

public sealed record StreamStatus
{
    public string Source { get; init; } = "";
    public string Stream { get; init; } = "";
    public bool Active { get; init; }
    public string? LastStatus { get; init; }
    public DateTime? LastFinishedAt { get; init; }
    public DateOnly? LastFrom { get; init; }
    public DateOnly? LastTo { get; init; }
    public string? LastError { get; init; }
    public DateTime? LastSuccessAt { get; init; }
    public DateOnly? CoveredFrom { get; init; }
    public DateOnly? CoveredTo { get; init; }
    public long CoveredDays { get; init; }
    public decimal QuarantinedRows { get; init; }
}

public sealed record QuarantineSummary
{
    public string Source { get; init; } = "";
    public string Stream { get; init; } = "";
    public string Reason { get; init; } = "";
    public decimal Rows { get; init; }
    public long Groups { get; init; }
}
