-- Replaces marts.period_coverage for the periods marts.refresh_coverage_compute computed (its temp tables
-- refresh_touched and refresh_cov_new), keeping in marts.period_coverage_history the coverage an ended period
-- had before it changed. Leaves the replaced rows in the temp table refresh_cov_old for the caller.
CREATE FUNCTION marts.refresh_coverage_apply(p_categories text[], p_reason text, p_window_id bigint)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
    -- Created by marts.refresh_coverage_compute earlier in this transaction (declared to plpgsql_check).
    PERFORM 'PRAGMA:TABLE: refresh_touched (period_kind text, period_start date, period_end date)';
    PERFORM 'PRAGMA:TABLE: refresh_cov_new (category text, kind text, period_kind text, period_start date, period_end date, expected_cells integer, covered_cells integer, expected_days integer, covered_days integer, last_covered_day date, streams text[], missing_streams text[], expected_through date)';
    DROP TABLE IF EXISTS pg_temp.refresh_cov_old;
    CREATE TEMP TABLE refresh_cov_old (LIKE marts.period_coverage) ON COMMIT DROP;
    PERFORM 'PRAGMA:TABLE: refresh_cov_old (LIKE marts.period_coverage)';
    WITH removed AS (
        DELETE FROM marts.period_coverage c
        USING refresh_touched t
        WHERE c.category = ANY (p_categories)
          AND (c.period_kind, c.period_start) = (t.period_kind, t.period_start)
        RETURNING c.*
    )
    INSERT INTO refresh_cov_old SELECT * FROM removed;

    -- Coverage of an ended period that changed (e.g. a missing day pulled late).
    INSERT INTO marts.period_coverage_history (
        category, period_kind, period_start, period_end, expected_cells, covered_cells, missing_streams,
        known_from, replaced_at, reason, window_id)
    SELECT o.category, o.period_kind, o.period_start, o.period_end, o.expected_cells, o.covered_cells, o.missing_streams,
           o.known_since, now(), p_reason, p_window_id
    FROM refresh_cov_old o
    LEFT JOIN refresh_cov_new n ON (n.category, n.period_kind, n.period_start) = (o.category, o.period_kind, o.period_start)
    WHERE o.period_end < current_date
      AND (o.expected_cells, o.covered_cells) IS DISTINCT FROM (n.expected_cells, n.covered_cells);

    INSERT INTO marts.period_coverage (
        category, period_kind, period_start, period_end, expected_cells, covered_cells,
        expected_days, covered_days, last_covered_day, streams, missing_streams, expected_through, computed_at, known_since)
    SELECT n.category, n.period_kind, n.period_start, n.period_end, n.expected_cells, n.covered_cells,
           n.expected_days, n.covered_days, n.last_covered_day, n.streams, n.missing_streams, n.expected_through, now(),
           CASE WHEN (o.expected_cells, o.covered_cells) IS NOT DISTINCT FROM (n.expected_cells, n.covered_cells)
                THEN o.known_since ELSE now() END
    FROM refresh_cov_new n
    LEFT JOIN refresh_cov_old o ON (o.category, o.period_kind, o.period_start) = (n.category, n.period_kind, n.period_start);
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_coverage_apply(text[], text, bigint) IS 'Writes the coverage marts.refresh_coverage_compute computed into marts.period_coverage (known_since moves only when covered or expected cells change) and the coverage an ended period had before into marts.period_coverage_history with the reason and window given. Part of marts.refresh_periods and marts.apply_fact_deltas.';
GRANT EXECUTE ON FUNCTION marts.refresh_coverage_apply(text[], text, bigint) TO metrics_writer;
