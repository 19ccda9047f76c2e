-- Coverage of every category given and every period touching [p_from, p_to] (ISO weeks, months, and the
-- quarters and years holding them, whole), as the refresh functions need it: leaves the temp tables
-- refresh_touched (the periods), refresh_cells (category x stream x day, pulled or not) and refresh_cov_new
-- (the coverage each period has now) for the caller, dropped at commit. marts.period_coverage is not written
-- here: the caller first reads the values published under the old coverage (marts.refresh_coverage_apply).
CREATE FUNCTION marts.refresh_coverage_compute(p_from date, p_to date, p_categories text[])
RETURNS void
LANGUAGE plpgsql
SET jit = off
AS $fn$
DECLARE
    v_cov_from   date;
    v_cov_to     date;
BEGIN
    DROP TABLE IF EXISTS pg_temp.refresh_touched, pg_temp.refresh_cells, pg_temp.refresh_cov_new;

    CREATE TEMP TABLE refresh_touched ON COMMIT DROP AS
    SELECT * FROM marts.touched_periods(p_from, p_to);
    -- Temp tables have no statistics until analyzed; without them the planner takes these few rows for
    -- a thousand and sorts the whole of marts.period_sums instead of using its primary key.
    ANALYZE refresh_touched;
    PERFORM 'PRAGMA:TABLE: refresh_touched (period_kind text, period_start date, period_end date)';

    -- Coverage is computed over every touched period (whole years included).
    SELECT min(period_start), max(period_end) INTO v_cov_from, v_cov_to FROM refresh_touched;

    CREATE TEMP TABLE refresh_cells ON COMMIT DROP AS
    SELECT * FROM marts.coverage_cells(v_cov_from, v_cov_to, p_categories);
    ANALYZE refresh_cells;
    PERFORM 'PRAGMA:TABLE: refresh_cells (category text, source text, stream text, day date, covered boolean)';

    -- -----------------------------------------------------------------------------------------------
    -- 1. Coverage per category and touched period.
    -- -----------------------------------------------------------------------------------------------
    CREATE TEMP TABLE refresh_cov_new ON COMMIT DROP AS
    WITH
    cell_periods AS (
        SELECT c.category, c.source || '/' || c.stream AS stream_name, c.day, c.covered, p.period_kind, p.period_start
        FROM refresh_cells c
        CROSS JOIN LATERAL marts.period_starts(c.day) p
        JOIN refresh_touched t ON (t.period_kind, t.period_start) = (p.period_kind, p.period_start)
    ),
    -- Per stream and period: how many of its expected days were pulled.
    stream_periods AS (
        SELECT category, period_kind, period_start, stream_name,
               count(*) AS expected_cells,
               count(*) FILTER (WHERE covered) AS covered_cells
        FROM cell_periods
        GROUP BY 1, 2, 3, 4
    ),
    -- A day is complete for a category when every stream expected that day was pulled.
    complete_days AS (
        SELECT category, day, bool_and(covered) AS complete
        FROM refresh_cells
        GROUP BY category, day
    ),
    day_periods AS (
        SELECT d.category, p.period_kind, p.period_start,
               count(*) AS expected_days,
               count(*) FILTER (WHERE d.complete) AS covered_days,
               max(d.day) FILTER (WHERE d.complete) AS last_covered_day
        FROM complete_days d
        CROSS JOIN LATERAL marts.period_starts(d.day) p
        JOIN refresh_touched t ON (t.period_kind, t.period_start) = (p.period_kind, p.period_start)
        GROUP BY 1, 2, 3
    ),
    stream_summary AS (
        SELECT category, period_kind, period_start,
               sum(expected_cells)::integer AS expected_cells,
               sum(covered_cells)::integer AS covered_cells,
               array_agg(stream_name ORDER BY stream_name) AS streams,
               coalesce(array_agg(stream_name ORDER BY stream_name) FILTER (WHERE covered_cells < expected_cells), '{}') AS missing_streams
        FROM stream_periods
        GROUP BY 1, 2, 3
    )
    -- Every known category x touched period gets a row, even when nothing feeds it (expected_cells = 0).
    SELECT cat.category, cat.kind, t.period_kind, t.period_start, t.period_end,
           coalesce(ss.expected_cells, 0) AS expected_cells, coalesce(ss.covered_cells, 0) AS covered_cells,
           coalesce(dp.expected_days, 0)::integer AS expected_days, coalesce(dp.covered_days, 0)::integer AS covered_days,
           dp.last_covered_day,
           coalesce(ss.streams, '{}') AS streams, coalesce(ss.missing_streams, '{}') AS missing_streams,
           least(t.period_end, current_date) AS expected_through
    FROM ref.categories cat
    CROSS JOIN refresh_touched t
    LEFT JOIN stream_summary ss ON (ss.category, ss.period_kind, ss.period_start) = (cat.category, t.period_kind, t.period_start)
    LEFT JOIN day_periods dp ON (dp.category, dp.period_kind, dp.period_start) = (cat.category, t.period_kind, t.period_start)
    WHERE cat.category = ANY (p_categories);
    ANALYZE refresh_cov_new;
    PERFORM 'PRAGMA:TABLE: refresh_cov_new (category text, kind text, period_kind text, period_start date, period_end date, expected_cells integer, covered_cells integer, expected_days integer, covered_days integer, last_covered_day date, streams text[], missing_streams text[], expected_through date)';
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_coverage_compute(date, date, text[]) IS 'Computes the coverage of the given categories in every ISO week, month, quarter and year touching [p_from, p_to] into the temp tables refresh_touched, refresh_cells and refresh_cov_new of the calling transaction (dropped at commit). Part of marts.refresh_periods and marts.apply_fact_deltas; writes nothing else.';
GRANT EXECUTE ON FUNCTION marts.refresh_coverage_compute(date, date, text[]) TO metrics_writer;
