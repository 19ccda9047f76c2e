using Dapper;
using MetricsPipeline.Sources;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>ops.runs and the failed rows of ops.windows (succeeded windows are written by <see cref="WindowWriter"/>).</summary>
public sealed class RunLedger(NpgsqlDataSource warehouse)
{
    /// <summary>
    /// Opens a run. The caller holds the source's lock, so any run of the source still marked running
    /// belongs to a process that died (SIGKILL, power loss); it is closed as abandoned first. Its windows
    /// either committed or left no trace, so nothing else needs repair.
    /// </summary>
    public async Task<long> BeginRunAsync(string trigger, string source, CancellationToken cancellationToken, DateTimeOffset? scheduledFireTime = null)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE ops.runs SET status = 'failed', finished_at = now(),
                   error = 'abandoned: the process running it stopped before finishing; committed windows stand, the one in progress rolled back'
            WHERE source = @source AND status = 'running'
            """, new { source }, cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO ops.runs (trigger, source, host, scheduled_fire_time) VALUES (@trigger, @source, @host, @scheduledFireTime) RETURNING run_id",
            new { trigger, source, host = Environment.MachineName, scheduledFireTime = scheduledFireTime?.UtcDateTime }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Whether a scheduled slot of the source already has a succeeded run. Quartz recovers the firing of a node
    /// that died; if it died after the run finished but before Quartz recorded the firing as done, the recovered
    /// firing is a repeat of a slot that ran. The caller holds the source's lock, and a run is finished in the
    /// ledger before its lock is released, so the answer cannot change under it.
    /// </summary>
    public async Task<bool> SlotAlreadyRanAsync(string source, DateTimeOffset scheduledFireTime, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM ops.runs
                           WHERE source = @source AND trigger = 'schedule' AND scheduled_fire_time = @slot AND status = 'succeeded')
            """, new { source, slot = scheduledFireTime.UtcDateTime }, cancellationToken: cancellationToken));
    }

    /// <summary>Closes a run; <paramref name="breakerState"/> is the source's circuit breaker as the run left it.</summary>
    public async Task FinishRunAsync(long runId, string? error, CancellationToken cancellationToken, string? breakerState = null)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ops.runs SET finished_at = now(), status = @status, error = @error, breaker_state = @breakerState WHERE run_id = @runId",
            new { runId, status = error is null ? "succeeded" : "failed", error, breakerState }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a failed window in its own transaction, after the window's own transaction rolled back; returns its ops.windows id.</summary>
    public async Task<long> RecordFailedWindowAsync(
        long runId, string source, string stream, SourceWindow window, DateTimeOffset startedAt, DateTimeOffset finishedAt,
        WindowCounts? counts, string error, CancellationToken cancellationToken, string? fileName = null, string? fileHash = null)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO ops.windows (run_id, source, stream, day_from, day_to, open_before, open_after, started_at, finished_at,
                                     status, source_rows, fact_rows, quarantined_rows, error, file_name, file_hash)
            VALUES (@runId, @source, @stream, @from, @to, @openBefore, @openAfter, @startedAt, @finishedAt,
                    'failed', @sourceRows, @factRows, @quarantinedRows, @error, @fileName, @fileHash)
            RETURNING window_id
            """,
            new
            {
                runId, source, stream, from = window.From, to = window.To, openBefore = window.OpenBefore, openAfter = window.OpenAfter,
                startedAt = startedAt.UtcDateTime, finishedAt = finishedAt.UtcDateTime,
                sourceRows = counts?.SourceRows, factRows = counts?.FactRows, quarantinedRows = counts?.QuarantinedRows, error, fileName, fileHash,
            }, cancellationToken: cancellationToken));
    }

    /// <summary>The last covered local day of a stream, or null before its first successful window.</summary>
    public async Task<DateOnly?> LastCoveredDayAsync(string source, string stream, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateOnly?>(new CommandDefinition(
            "SELECT max(day) FROM ops.coverage WHERE source = @source AND stream = @stream",
            new { source, stream }, cancellationToken: cancellationToken));
    }
}
