namespace MetricsPipeline.Warehouse;

/// <summary>
/// Statements of <see cref="FileLoadWriter"/>: replace one file's contribution (and, for a renamed file, the
/// contribution under its old name), then re-sum the days it touched and recompute the stream's coverage.
/// @replaced holds the file's name and, for a rename, its old name.
/// </summary>
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
        SELECT day FROM facts.file_daily WHERE source = @source AND stream = @stream AND file_name = ANY(@replaced)
        UNION
        SELECT day FROM staging_groups WHERE reason IS NULL AND day IS NOT NULL
        """;

    public const string DeleteContribution =
        "DELETE FROM facts.file_daily WHERE source = @source AND stream = @stream AND file_name = ANY(@replaced)";

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

    public const string FileFactsScope = "f.day IN (SELECT day FROM affected_days)";

    public const string DeleteVanishedFacts = """
        DELETE FROM facts.daily f
        WHERE f.source = @source AND f.stream = @stream AND f.day IN (SELECT day FROM affected_days)
          AND NOT EXISTS (SELECT 1 FROM window_facts w
                          WHERE w.day = f.day AND w.unit_code = f.unit_code AND w.category = f.category AND w.measure = f.measure)
        """;

    public const string ReplaceQuarantine =
        "DELETE FROM ops.quarantine WHERE source = @source AND stream = @stream AND origin = ANY(@replaced)";

    public const string InsertQuarantine = """
        INSERT INTO ops.quarantine (source, stream, origin, day, unit_code, source_code, reason, detail, row_count, window_id, seen_at)
        SELECT @source, @stream, @fileName, s.day, s.unit_code, s.source_code, s.reason, s.detail, sum(s.row_count), @windowId, @now
        FROM staging_groups s WHERE s.reason IS NOT NULL
        GROUP BY s.day, s.unit_code, s.source_code, s.reason, s.detail
        """;

    // loaded_at is the warehouse's clock (the load's transaction start), like ops.runs.started_at.
    // classified_with is the hash of the configuration the groups were classified with (FileClassification):
    // FilesToReevaluate compares it with the stream's current one.
    public const string UpsertFileLoad = """
        INSERT INTO ops.file_loads AS l (source, stream, file_name, file_hash, file_size, modified_at, loaded_at, window_id, data_rows, retracted, classified_with)
        VALUES (@source, @stream, @fileName, @fileHash, @fileSize, @modifiedAt, now(), @windowId, @dataRows, @retracted, @classifiedWith)
        ON CONFLICT (source, stream, file_name) DO UPDATE
        SET file_hash = EXCLUDED.file_hash, file_size = EXCLUDED.file_size, modified_at = EXCLUDED.modified_at,
            loaded_at = EXCLUDED.loaded_at, window_id = EXCLUDED.window_id, data_rows = EXCLUDED.data_rows, retracted = EXCLUDED.retracted,
            classified_with = EXCLUDED.classified_with
        """;

    // A renamed file is known by its new name from now on: the old name's row goes (its contribution went above).
    public const string ForgetOldName =
        "DELETE FROM ops.file_loads WHERE source = @source AND stream = @stream AND file_name = ANY(@replaced) AND file_name <> @fileName";

    // The stream's covered days, after this load: each current file covers the days from its first to its
    // last day with facts (the window rule of database streams: a file is the window its valid rows span,
    // so a monthly report with no rows on a day says that day had none), never a day after today, and never
    // the day of a row that is only in quarantine. A retracted file covers nothing. Min and max per file come
    // from the primary key of facts.file_daily, so this costs one index probe per file.
    public const string StreamCoveredDays = """
        CREATE TEMP TABLE stream_covered_days ON COMMIT DROP AS
        SELECT DISTINCT CAST(g AS date) AS day
        FROM ops.file_loads l
        CROSS JOIN LATERAL (SELECT min(d.day) AS first_day, max(d.day) AS last_day FROM facts.file_daily d
                            WHERE d.source = l.source AND d.stream = l.stream AND d.file_name = l.file_name) s
        CROSS JOIN LATERAL generate_series(s.first_day, LEAST(s.last_day, CAST(@today AS date)), interval '1 day') AS g
        WHERE l.source = @source AND l.stream = @stream AND NOT l.retracted AND s.first_day IS NOT NULL
        """;

    // Days no current file covers any longer (a retracted or corrected file, a quarantined far-future day of
    // an earlier version) stop being covered; they join the days whose indicators are refreshed.
    public const string DeleteUncoveredDays = """
        WITH removed AS (
            DELETE FROM ops.coverage c
            WHERE c.source = @source AND c.stream = @stream
              AND NOT EXISTS (SELECT 1 FROM stream_covered_days d WHERE d.day = c.day)
            RETURNING c.day)
        INSERT INTO affected_days SELECT day FROM removed
        """;

    // The file's own days were just pulled (window and pull time are this load's); other files' days keep
    // theirs unless they were missing.
    public const string UpsertCoverage = """
        WITH added AS (
            INSERT INTO ops.coverage AS c (source, stream, day, window_id, pulled_at)
            SELECT @source, @stream, d.day, @windowId, @now
            FROM stream_covered_days d
            WHERE d.day BETWEEN CAST(@firstDay AS date) AND CAST(@lastDay AS date)
               OR NOT EXISTS (SELECT 1 FROM ops.coverage x WHERE x.source = @source AND x.stream = @stream AND x.day = d.day)
            ON CONFLICT (source, stream, day) DO UPDATE SET window_id = EXCLUDED.window_id, pulled_at = EXCLUDED.pulled_at
            RETURNING c.day, (xmax = 0) AS inserted)
        INSERT INTO affected_days SELECT day FROM added WHERE inserted
        """;

    public const string CompleteWindow = """
        UPDATE ops.windows
        SET finished_at = @finishedAt, source_rows = @SourceRows, fact_rows = @FactRows, quarantined_rows = @QuarantinedRows,
            facts_written = @written, facts_deleted = @deleted,
            day_from = COALESCE(@firstDay, day_from), day_to = COALESCE(@lastDay, day_to)
        WHERE window_id = @windowId
        """;

    public const string QueueIndicatorRefresh = """
        INSERT INTO ops.indicator_refresh_queue (day_from, day_to, categories, window_id, reason, deltas)
        SELECT min(day), max(day), @categories, @windowId,
               format('window %s loaded file %s of %s/%s (days %s..%s)', @windowId, @fileName, @source, @stream, min(day), max(day)),
               true
        FROM affected_days HAVING count(*) > 0
        """;

    // A file whose content is unchanged but whose modification time moved (touched, copied with its
    // content): remember the new time, so the next scan skips it without reading it.
    public const string TouchFileLoad = """
        UPDATE ops.file_loads SET file_size = @fileSize, modified_at = @modifiedAt
        WHERE source = @source AND stream = @stream AND file_name = @fileName AND file_hash = @fileHash AND NOT retracted
        """;

    // Files whose stored classification may be out of date: the configuration it depended on changed (the
    // code map, categories, measures, zone, History.From, columns, reading settings: one hash, see
    // FileClassification; NULL for a file loaded before V33, read again once), or quarantined rows that
    // would now be released by what the hash does not cover (a unit added to the org file, a future day
    // that has come).
    public const string FilesToReevaluate = """
        SELECT l.file_name
        FROM ops.file_loads l
        WHERE l.source = @source AND l.stream = @stream AND NOT l.retracted
          AND (l.classified_with IS DISTINCT FROM @classifiedWith
               OR EXISTS (SELECT 1 FROM ops.quarantine q
                          WHERE q.source = l.source AND q.stream = l.stream AND q.origin = l.file_name
                            AND (q.reason = 'unknown_unit' AND EXISTS (SELECT 1 FROM ref.units u WHERE u.code = q.unit_code)
                                 OR q.reason = 'future_timestamp' AND (q.day IS NULL OR q.day <= CAST(@today AS date)))))
        """;
}
