namespace MetricsPipeline.Warehouse;

/// <summary>The statements of a window load, kept together so the replace semantics read in one place.</summary>
internal static class WarehouseSql
{
    public const string InsertWindow = """
        INSERT INTO ops.windows (run_id, source, stream, day_from, day_to, open_before, open_after, started_at, finished_at, status)
        VALUES (@runId, @source, @stream, @from, @to, @openBefore, @openAfter, @startedAt, @startedAt, 'succeeded')
        RETURNING window_id
        """;

    // Whether the window's days hold facts already. When they hold none (a backfill chunk, a new stream) there is
    // nothing to diff against, and the staged facts go straight in.
    public const string WindowHasFacts = """
        SELECT EXISTS (SELECT 1 FROM facts.daily
                       WHERE source = @source AND stream = @stream AND (day BETWEEN @from AND @to OR (@openAfter AND day > @to)))
        """;

    // A window that reaches today also owns every later day: facts or coverage there can only come from a run whose
    // clock was ahead, and its rows are now future rows in quarantine. Their days are queued for the refresh too.
    public const string LastFactDayAfterWindow = """
        SELECT max(day) FROM facts.daily WHERE @openAfter AND source = @source AND stream = @stream AND day > @to
        """;

    public const string DeleteCoverageAfterWindow = """
        DELETE FROM ops.coverage WHERE @openAfter AND source = @source AND stream = @stream AND day > @to
        """;

    public static string InsertNewFacts(string factsSelect) => $"""
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT @source, @stream, w.day, w.unit_code, w.category, w.measure, w.value, @now, @windowId FROM ({factsSelect}) AS w
        """;

    /// <summary>
    /// Records, before the facts are replaced, the difference each staged fact (window_facts) makes to a flow
    /// fact of <paramref name="factsScope"/> (a condition on facts.daily f: the days the load owns), so the
    /// refresh adds the changes up the tree instead of recomputing the periods (ops.fact_deltas, V36).
    /// Unchanged facts record nothing; a vanished fact records minus its value.
    /// </summary>
    public static string RecordFactDeltas(string factsScope) => $"""
        INSERT INTO ops.fact_deltas (source, stream, day, unit_code, category, measure, delta, window_id)
        SELECT @source, @stream, coalesce(w.day, f.day), coalesce(w.unit_code, f.unit_code), coalesce(w.category, f.category),
               coalesce(w.measure, f.measure), coalesce(w.value, 0) - coalesce(f.value, 0), @windowId
        FROM window_facts w
        FULL JOIN (SELECT f.day, f.unit_code, f.category, f.measure, f.value FROM facts.daily f
                   WHERE f.source = @source AND f.stream = @stream AND ({factsScope})) f
               ON (f.day, f.unit_code, f.category, f.measure) = (w.day, w.unit_code, w.category, w.measure)
        JOIN ref.categories c ON c.category = coalesce(w.category, f.category) AND c.kind = 'flow'
        WHERE w.value IS DISTINCT FROM f.value
        """;

    public const string WindowFactsScope = "f.day BETWEEN @from AND @to OR (@openAfter AND f.day > @to)";

    public const string DeleteVanishedFacts = """
        DELETE FROM facts.daily f
        WHERE f.source = @source AND f.stream = @stream AND (f.day BETWEEN @from AND @to OR (@openAfter AND f.day > @to))
          AND NOT EXISTS (SELECT 1 FROM window_facts w
                          WHERE w.day = f.day AND w.unit_code = f.unit_code AND w.category = f.category AND w.measure = f.measure)
        """;

    // Only rows whose value changed are rewritten: a repeated window leaves facts byte-for-byte as they were.
    public const string UpsertFacts = """
        INSERT INTO facts.daily AS f (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT @source, @stream, w.day, w.unit_code, w.category, w.measure, w.value, @now, @windowId FROM window_facts w
        ON CONFLICT (source, stream, day, unit_code, category, measure)
        DO UPDATE SET value = EXCLUDED.value, loaded_at = EXCLUDED.loaded_at, window_id = EXCLUDED.window_id
        WHERE f.value IS DISTINCT FROM EXCLUDED.value
        """;

    // The quarantine rows a window owns: its days, plus the undated and out-of-range rows its open ends own.
    private const string OwnedQuarantine = """
        q.source = @source AND q.stream = @stream AND q.origin IS NULL AND (
               q.day BETWEEN @from AND @to
            OR (@openBefore AND (q.day < @from OR (q.day IS NULL AND q.reason = 'before_history_start')))
            OR (@openAfter AND (q.day > @to OR (q.day IS NULL AND q.reason <> 'before_history_start'))))
        """;

    public const string DeleteVanishedQuarantine = $"""
        DELETE FROM ops.quarantine q
        WHERE {OwnedQuarantine}
          AND NOT EXISTS (SELECT 1 FROM staging_groups s
                          WHERE s.reason IS NOT NULL AND s.reason = q.reason
                            AND s.day IS NOT DISTINCT FROM q.day AND s.unit_code IS NOT DISTINCT FROM q.unit_code
                            AND s.source_code IS NOT DISTINCT FROM q.source_code AND s.detail IS NOT DISTINCT FROM q.detail)
        """;

    public const string UpsertQuarantine = """
        INSERT INTO ops.quarantine AS q (source, stream, day, unit_code, source_code, reason, detail, row_count, window_id, seen_at)
        SELECT @source, @stream, s.day, s.unit_code, s.source_code, s.reason, s.detail, sum(s.row_count), @windowId, @now
        FROM staging_groups s WHERE s.reason IS NOT NULL
        GROUP BY s.day, s.unit_code, s.source_code, s.reason, s.detail
        ON CONFLICT (source, stream, origin, day, unit_code, source_code, reason, detail)
        DO UPDATE SET row_count = EXCLUDED.row_count, window_id = EXCLUDED.window_id, seen_at = EXCLUDED.seen_at
        WHERE q.row_count IS DISTINCT FROM EXCLUDED.row_count
        """;

    public const string UpsertCoverage = """
        INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
        SELECT @source, @stream, CAST(d AS date), @windowId, @now
        FROM generate_series(CAST(@from AS date), CAST(@to AS date), interval '1 day') AS d
        ON CONFLICT (source, stream, day) DO UPDATE SET window_id = EXCLUDED.window_id, pulled_at = EXCLUDED.pulled_at
        """;

    public const string CompleteWindow = """
        UPDATE ops.windows
        SET finished_at = @finishedAt, source_rows = @SourceRows, fact_rows = @FactRows, quarantined_rows = @QuarantinedRows,
            facts_written = @written, facts_deleted = @deleted
        WHERE window_id = @windowId
        """;

    // The indicators are refreshed after the load commits (marts.refresh_queued); the load only says which
    // days and categories changed, in its own transaction, so the queue row exists exactly when the facts do.
    public const string QueueIndicatorRefresh = """
        INSERT INTO ops.indicator_refresh_queue (day_from, day_to, categories, window_id, reason, deltas)
        VALUES (@from, @queueTo, @categories, @windowId,
                format('window %s re-pulled %s/%s %s..%s (rows arrived late, were corrected or deleted at the source)',
                       @windowId, @source, @stream, @from, @to),
                @deltas)
        """;
}
