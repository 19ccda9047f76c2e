namespace MetricsPipeline.Warehouse;

/// <summary>Statements of <see cref="FileLoadWriter"/>: replace one file's contribution, then re-sum the days it touched.</summary>
internal static class FileLoadSql
{
    public const string InsertWindow = """
        INSERT INTO ops.windows (run_id, source, stream, day_from, day_to, open_before, open_after, started_at, finished_at, status, file_name, file_hash)
        VALUES (@runId, @source, @stream, @day, @day, false, false, @startedAt, @startedAt, 'succeeded', @fileName, @fileHash)
        RETURNING window_id
        """;

    // Days the old version or the new version of the file has facts on: exactly the days to re-sum.
    public const string AffectedDays = """
        CREATE TEMP TABLE affected_days ON COMMIT DROP AS
        SELECT day FROM facts.file_daily WHERE source = @source AND stream = @stream AND file_name = @fileName
        UNION
        SELECT day FROM staging_groups WHERE reason IS NULL
        """;

    public const string DeleteContribution =
        "DELETE FROM facts.file_daily WHERE source = @source AND stream = @stream AND file_name = @fileName";

    // Completed with StagingGroups.FactsSelect(stream) and ") AS x".
    public const string InsertContributionPrefix = """
        INSERT INTO facts.file_daily (source, stream, file_name, day, unit_code, category, measure, value)
        SELECT @source, @stream, @fileName, x.day, x.unit_code, x.category, x.measure, x.value
        FROM (
        """;

    public const string WindowFacts = """
        CREATE TEMP TABLE window_facts ON COMMIT DROP AS
        SELECT d.day, d.unit_code, d.category, d.measure, sum(d.value) AS value
        FROM facts.file_daily d
        WHERE d.source = @source AND d.stream = @stream AND d.day IN (SELECT day FROM affected_days)
        GROUP BY d.day, d.unit_code, d.category, d.measure
        """;

    public const string DeleteVanishedFacts = """
        DELETE FROM facts.daily f
        WHERE f.source = @source AND f.stream = @stream AND f.day IN (SELECT day FROM affected_days)
          AND NOT EXISTS (SELECT 1 FROM window_facts w
                          WHERE w.day = f.day AND w.unit_code = f.unit_code AND w.category = f.category AND w.measure = f.measure)
        """;

    public const string ReplaceQuarantine =
        "DELETE FROM ops.quarantine WHERE source = @source AND stream = @stream AND origin = @fileName";

    public const string InsertQuarantine = """
        INSERT INTO ops.quarantine (source, stream, origin, day, unit_code, source_code, reason, detail, row_count, window_id, seen_at)
        SELECT @source, @stream, @fileName, s.day, s.unit_code, s.source_code, s.reason, s.detail, sum(s.row_count), @windowId, @now
        FROM staging_groups s WHERE s.reason IS NOT NULL
        GROUP BY s.day, s.unit_code, s.source_code, s.reason, s.detail
        """;

    // A file covers the days from its first to its last dated row: a monthly report file with no rows on a
    // day says that day had none.
    public const string UpsertCoverage = """
        INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
        SELECT @source, @stream, CAST(d AS date), @windowId, @now
        FROM generate_series(CAST(@firstDay AS date), CAST(@lastDay AS date), interval '1 day') AS d
        WHERE @firstDay IS NOT NULL AND NOT @retracted
        ON CONFLICT (source, stream, day) DO UPDATE SET window_id = EXCLUDED.window_id, pulled_at = EXCLUDED.pulled_at
        """;

    public const string UpsertFileLoad = """
        INSERT INTO ops.file_loads AS l (source, stream, file_name, file_hash, file_size, modified_at, loaded_at, window_id, data_rows, retracted)
        VALUES (@source, @stream, @fileName, @fileHash, @fileSize, @modifiedAt, @now, @windowId, @dataRows, @retracted)
        ON CONFLICT (source, stream, file_name) DO UPDATE
        SET file_hash = EXCLUDED.file_hash, file_size = EXCLUDED.file_size, modified_at = EXCLUDED.modified_at,
            loaded_at = EXCLUDED.loaded_at, window_id = EXCLUDED.window_id, data_rows = EXCLUDED.data_rows, retracted = EXCLUDED.retracted
        """;

    public const string CompleteWindow = """
        UPDATE ops.windows
        SET finished_at = @finishedAt, source_rows = @SourceRows, fact_rows = @FactRows, quarantined_rows = @QuarantinedRows,
            facts_written = @written, facts_deleted = @deleted,
            day_from = COALESCE(@firstDay, day_from), day_to = COALESCE(@lastDay, day_to)
        WHERE window_id = @windowId
        """;

    public const string QueueIndicatorRefresh = """
        INSERT INTO ops.indicator_refresh_queue (day_from, day_to, categories, window_id, reason)
        SELECT min(day), max(day), @categories, @windowId,
               format('window %s loaded file %s of %s/%s (days %s..%s)', @windowId, @fileName, @source, @stream, min(day), max(day))
        FROM affected_days HAVING count(*) > 0
        """;
}
