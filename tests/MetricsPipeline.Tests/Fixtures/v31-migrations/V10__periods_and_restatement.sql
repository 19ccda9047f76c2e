-- V10: more periods (ISO week and quarter besides month and year), a cheaper incremental refresh, the
-- Standard Cost Model basis measures, and restatement history.
--
-- What changes against V6:
--   * marts.period_values / marts.period_coverage also hold ISO weeks (Monday..Sunday) and calendar
--     quarters. The day level is not stored (it would be about four times facts.daily once rolled up the
--     tree); marts.daily_values (V11) rolls it up on read.
--   * marts.refresh_periods reads facts only for the touched weeks and months. Quarters and years are
--     derived from the stored months (flows: the sum; stocks: the level of the month holding the last
--     complete day, and level_sum / covered_days for the mean), so a daily load no longer re-reads a
--     whole year of facts.
--   * Every flow also gets two Standard Cost Model basis measures (see V12): scm_own_minutes (the time
--     the source itself reports: attendee_minutes, else minutes) and scm_items (the events of streams
--     that report no time). Burden hours = (scm_own_minutes + scm_items x tariff) / 60 are computed on
--     read, so changing a tariff re-estimates every period at once without a refresh.
--   * Restatement: a published value (an ended period whose coverage met the threshold) that a later
--     refresh changes is kept in marts.period_values_history with the time it was known from, the time
--     it was replaced and why. Coverage changes of ended periods go to marts.period_coverage_history.
--     Values of running periods change with every load and are not kept.

-- ---------------------------------------------------------------------------------------------------
-- Period kinds
-- ---------------------------------------------------------------------------------------------------

ALTER TABLE marts.period_values DROP CONSTRAINT period_values_period_kind_check;
ALTER TABLE marts.period_values ADD CONSTRAINT period_values_period_kind_check
    CHECK (period_kind IN ('week', 'month', 'quarter', 'year'));
ALTER TABLE marts.period_coverage DROP CONSTRAINT period_coverage_period_kind_check;
ALTER TABLE marts.period_coverage ADD CONSTRAINT period_coverage_period_kind_check
    CHECK (period_kind IN ('week', 'month', 'quarter', 'year'));

-- level_sum: the numerator of a stock's mean, so quarters and years can be derived from months exactly.
ALTER TABLE marts.period_values ADD COLUMN level_sum numeric NULL;
-- value_since: when the current value was first computed (unchanged by refreshes that recompute the same value).
ALTER TABLE marts.period_values ADD COLUMN value_since timestamptz NULL;
ALTER TABLE marts.period_coverage ADD COLUMN known_since timestamptz NULL;

-- Rows written by V6: the mean row holds level_sum / covered_days; give the level row its numerator back.
UPDATE marts.period_values lv
SET level_sum = round(mean.value * mean.covered_days, 10)
FROM marts.period_values mean
JOIN ref.categories cat ON cat.category = mean.category AND cat.kind = 'stock'
WHERE mean.measure = lv.measure || '_mean'
  AND (mean.unit_code, mean.category, mean.period_kind, mean.period_start)
    = (lv.unit_code, lv.category, lv.period_kind, lv.period_start);
UPDATE marts.period_values SET value_since = computed_at;
UPDATE marts.period_coverage SET known_since = computed_at;
ALTER TABLE marts.period_values ALTER COLUMN value_since SET NOT NULL;
ALTER TABLE marts.period_coverage ALTER COLUMN known_since SET NOT NULL;

COMMENT ON TABLE marts.period_values IS 'Value of a measure for a unit and its whole subtree in an ISO week, calendar month, quarter or year. Grain: unit x category x measure x period. Flows: sum over the period; stocks: level on the last complete day, plus <measure>_mean = mean level over complete days. Flows also carry the Standard Cost Model basis measures scm_own_minutes and scm_items (V12).';
COMMENT ON COLUMN marts.period_values.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.period_values.measure IS 'Measure name from facts.daily (count = events, pages, minutes, fields ...); for stocks also <measure>_mean; for flows also scm_own_minutes (person-minutes the source reports) and scm_items (events of streams without own time).';
COMMENT ON COLUMN marts.period_values.level_sum IS 'Stocks only: sum of the daily level over the complete days of the period (item-days); <measure>_mean = level_sum / covered_days. NULL for flows and for periods without a complete day.';
COMMENT ON COLUMN marts.period_values.computed_at IS 'UTC time of the refresh that last wrote the row; a refresh that recomputes the same numbers leaves the row (and this time) as it was. When the category was last refreshed: marts.indicator_freshness.';
COMMENT ON COLUMN marts.period_values.value_since IS 'UTC time the current value was first computed; a refresh that recomputes the same value keeps it. Older values of ended periods are in marts.period_values_history.';
COMMENT ON TABLE marts.period_coverage IS 'Coverage of a category in a period, as of the last refresh. Grain: category x period (ISO week, calendar month, quarter or year). Cells are (source, stream, day) triples expected by ref.streams.';
COMMENT ON COLUMN marts.period_coverage.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.period_coverage.known_since IS 'UTC time the current expected/covered cell counts were first computed. Older counts of ended periods are in marts.period_coverage_history.';

-- ---------------------------------------------------------------------------------------------------
-- Restatement history
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE marts.period_values_history (
    unit_code     text        NOT NULL,
    category      text        NOT NULL,
    measure       text        NOT NULL,
    period_kind   text        NOT NULL,
    period_start  date        NOT NULL,
    period_end    date        NOT NULL,
    value         numeric     NULL,
    new_value     numeric     NULL,
    known_from    timestamptz NOT NULL,
    replaced_at   timestamptz NOT NULL,
    reason        text        NOT NULL,
    window_id     bigint      NULL
);
CREATE INDEX period_values_history_key_idx
    ON marts.period_values_history (unit_code, category, measure, period_kind, period_start, replaced_at);
CREATE INDEX period_values_history_replaced_idx ON marts.period_values_history (replaced_at);

COMMENT ON TABLE marts.period_values_history IS 'Published values that a later refresh changed (restatements). Grain: one row per replaced value. Only ended periods whose coverage met the threshold when the value was computed are kept: that is what was published. Read with marts.indicators_as_of or marts.restatements.';
COMMENT ON COLUMN marts.period_values_history.unit_code IS 'Unit (ref.units.code); values include the subtree.';
COMMENT ON COLUMN marts.period_values_history.category IS 'Canonical category.';
COMMENT ON COLUMN marts.period_values_history.measure IS 'Measure, as in marts.period_values.';
COMMENT ON COLUMN marts.period_values_history.period_kind IS 'week, month, quarter or year.';
COMMENT ON COLUMN marts.period_values_history.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.period_values_history.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.period_values_history.value IS 'The value as it was published from known_from until replaced_at, in the measure''s unit (events, pages, minutes ...).';
COMMENT ON COLUMN marts.period_values_history.new_value IS 'The value that replaced it at replaced_at (NULL: the row disappeared or became unknown). Same unit.';
COMMENT ON COLUMN marts.period_values_history.known_from IS 'UTC time the old value was first computed.';
COMMENT ON COLUMN marts.period_values_history.replaced_at IS 'UTC time (transaction start) of the refresh that replaced it.';
COMMENT ON COLUMN marts.period_values_history.reason IS 'Why it changed: the load window that re-pulled the days (late, corrected or deleted source rows), an org-tree change, or a manual refresh.';
COMMENT ON COLUMN marts.period_values_history.window_id IS 'ops.windows row of the load that caused the change; NULL for a manual refresh.';

CREATE TABLE marts.period_coverage_history (
    category         text        NOT NULL,
    period_kind      text        NOT NULL,
    period_start     date        NOT NULL,
    period_end       date        NOT NULL,
    expected_cells   integer     NOT NULL,
    covered_cells    integer     NOT NULL,
    missing_streams  text[]      NOT NULL,
    known_from       timestamptz NOT NULL,
    replaced_at      timestamptz NOT NULL,
    reason           text        NOT NULL,
    window_id        bigint      NULL
);
CREATE INDEX period_coverage_history_key_idx
    ON marts.period_coverage_history (category, period_kind, period_start, replaced_at);

COMMENT ON TABLE marts.period_coverage_history IS 'Coverage counts of ended periods that a later refresh changed (e.g. missing days pulled late). Grain: one row per replaced coverage row.';
COMMENT ON COLUMN marts.period_coverage_history.category IS 'Canonical category.';
COMMENT ON COLUMN marts.period_coverage_history.period_kind IS 'week, month, quarter or year.';
COMMENT ON COLUMN marts.period_coverage_history.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.period_coverage_history.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.period_coverage_history.expected_cells IS 'Expected (source, stream, day) cells as they were known. Cells.';
COMMENT ON COLUMN marts.period_coverage_history.covered_cells IS 'Pulled cells as they were known. Cells.';
COMMENT ON COLUMN marts.period_coverage_history.missing_streams IS 'Streams with expected days not pulled, as they were known (source/stream).';
COMMENT ON COLUMN marts.period_coverage_history.known_from IS 'UTC time these counts were first computed.';
COMMENT ON COLUMN marts.period_coverage_history.replaced_at IS 'UTC time of the refresh that replaced them.';
COMMENT ON COLUMN marts.period_coverage_history.reason IS 'Why they changed (the load window, an org-tree change, a manual refresh).';
COMMENT ON COLUMN marts.period_coverage_history.window_id IS 'ops.windows row of the load that caused the change; NULL for a manual refresh.';

-- ---------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------

-- The ISO weeks, months, quarters and years that contain at least one day of [p_from, p_to].
CREATE OR REPLACE FUNCTION marts.touched_periods(p_from date, p_to date)
RETURNS TABLE (period_kind text, period_start date, period_end date)
LANGUAGE sql IMMUTABLE STRICT
ROWS 8   -- typically one or two weeks and months, one quarter and one year
AS $fn$
    SELECT 'week', w::date, (w + interval '6 days')::date
    FROM generate_series(date_trunc('week', p_from::timestamp), date_trunc('week', p_to::timestamp), interval '1 week') AS w
    UNION ALL
    SELECT 'month', m::date, (m + interval '1 month' - interval '1 day')::date
    FROM generate_series(date_trunc('month', p_from::timestamp), date_trunc('month', p_to::timestamp), interval '1 month') AS m
    UNION ALL
    SELECT 'quarter', q::date, (q + interval '3 months' - interval '1 day')::date
    FROM generate_series(date_trunc('quarter', p_from::timestamp), date_trunc('quarter', p_to::timestamp), interval '3 months') AS q
    UNION ALL
    SELECT 'year', y::date, (y + interval '1 year' - interval '1 day')::date
    FROM generate_series(date_trunc('year', p_from::timestamp), date_trunc('year', p_to::timestamp), interval '1 year') AS y
$fn$;

COMMENT ON FUNCTION marts.touched_periods(date, date) IS 'ISO weeks, calendar months, quarters and years overlapping [p_from, p_to]: period_kind (week|month|quarter|year), first and last day.';

-- The period of each kind a day belongs to; the refresh joins on these instead of range conditions.
CREATE FUNCTION marts.period_starts(p_day date)
RETURNS TABLE (period_kind text, period_start date)
LANGUAGE sql IMMUTABLE STRICT
ROWS 4
AS $fn$
    VALUES ('week',    date_trunc('week',    p_day::timestamp)::date),
           ('month',   date_trunc('month',   p_day::timestamp)::date),
           ('quarter', date_trunc('quarter', p_day::timestamp)::date),
           ('year',    date_trunc('year',    p_day::timestamp)::date)
$fn$;

COMMENT ON FUNCTION marts.period_starts(date) IS 'The ISO week, month, quarter and year a day belongs to: (period_kind, period_start).';

-- The disguised-burden signals (V15) are refreshed with the periods; this placeholder is replaced there.
CREATE FUNCTION marts.refresh_signals(p_from date, p_to date)
RETURNS void
LANGUAGE sql
AS $fn$ SELECT $fn$;

-- ---------------------------------------------------------------------------------------------------
-- The refresh
-- ---------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION marts.refresh_periods(p_from date, p_to date, p_categories text[])
RETURNS void
LANGUAGE plpgsql
-- As in V6: the planner overestimates the groups, JIT costs more than the query, and refreshes run one
-- at a time (advisory lock), so a larger work_mem is safe.
SET jit = off
SET work_mem = '256MB'
AS $fn$
DECLARE
    v_base_year  integer;
    v_threshold  numeric;
    v_window_id  bigint;
    v_reason     text;
    v_cov_from   date;
    v_cov_to     date;
    v_leaf_from  date;
    v_leaf_to    date;
BEGIN
    IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
        RAISE EXCEPTION 'marts.refresh_periods: invalid day range [%, %]', p_from, p_to;
    END IF;
    IF p_categories IS NULL OR cardinality(p_categories) = 0 THEN
        RETURN;
    END IF;

    -- One refresh at a time, whichever source calls it (key 'marts' in ASCII). Held until the caller's
    -- transaction ends; each statement below then sees the facts the previous holder committed.
    PERFORM pg_advisory_xact_lock(469786326131);

    -- Why values may change: the load window written in this transaction, if any.
    SELECT w.window_id,
           format('window %s re-pulled %s/%s %s..%s (rows arrived late, were corrected or deleted at the source)',
                  w.window_id, w.source, w.stream, w.day_from, w.day_to)
    INTO v_window_id, v_reason
    FROM (SELECT o.*, o.xmin AS row_xmin FROM ops.windows o ORDER BY o.window_id DESC LIMIT 200) w
    WHERE w.row_xmin = pg_current_xact_id()::xid
    ORDER BY w.window_id DESC
    LIMIT 1;
    v_reason := coalesce(v_reason, 'manual refresh (marts.refresh_periods called outside a load)');

    -- The org tree as ref.units has it now. When it changed, every period of the touched years rolls up
    -- differently: recompute the years whole (weeks and months from facts, quarters and years from them).
    IF EXISTS (SELECT * FROM marts.org_closure() EXCEPT SELECT * FROM marts.unit_tree)
       OR EXISTS (SELECT * FROM marts.unit_tree EXCEPT SELECT * FROM marts.org_closure()) THEN
        DELETE FROM marts.unit_tree;
        INSERT INTO marts.unit_tree SELECT * FROM marts.org_closure();
        p_from := date_trunc('year', p_from::timestamp)::date;
        p_to := (date_trunc('year', p_to::timestamp) + interval '1 year' - interval '1 day')::date;
        v_reason := 'org tree changed (org-units file); ' || v_reason;
    END IF;

    SELECT value::integer INTO v_base_year
    FROM ref.indicator_settings WHERE key = 'base_period' AND value ~ '^[0-9]{4}$';
    SELECT coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95)
    INTO v_threshold;

    -- Work tables of this call; a second call in the same transaction starts afresh.
    DROP TABLE IF EXISTS pg_temp.refresh_touched, pg_temp.refresh_cells, pg_temp.refresh_cov_new,
                         pg_temp.refresh_cov_old, pg_temp.refresh_rolled, pg_temp.refresh_series, pg_temp.refresh_new, pg_temp.refresh_old;

    CREATE TEMP TABLE refresh_touched ON COMMIT DROP AS
    SELECT * FROM marts.touched_periods(p_from, p_to);
    -- Temp tables have no statistics until analyzed; without them the planner takes these few rows for
    -- a thousand and sorts the whole of marts.period_values instead of using its primary key.
    ANALYZE refresh_touched;

    -- Coverage is computed over every touched period (whole years included); facts are read only for
    -- the touched weeks and months.
    SELECT min(period_start), max(period_end) INTO v_cov_from, v_cov_to FROM refresh_touched;
    SELECT min(period_start), max(period_end) INTO v_leaf_from, v_leaf_to
    FROM refresh_touched WHERE period_kind IN ('week', 'month');

    CREATE TEMP TABLE refresh_cells ON COMMIT DROP AS
    SELECT * FROM marts.coverage_cells(v_cov_from, v_cov_to, p_categories);
    ANALYZE refresh_cells;

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

    -- -----------------------------------------------------------------------------------------------
    -- 2. The series that get a row in every touched period, even without a single event: those with
    --    facts in the touched weeks and months, with a value in the touched years, the year before them
    --    (year over year) or the base year (reduction). A covered period without events is a real zero.
    -- -----------------------------------------------------------------------------------------------
    CREATE TEMP TABLE refresh_new (
        unit_code     text    NOT NULL,
        category      text    NOT NULL,
        measure       text    NOT NULL,
        period_kind   text    NOT NULL,
        period_start  date    NOT NULL,
        period_end    date    NOT NULL,
        value         numeric NULL,
        level_sum     numeric NULL,
        covered_days  integer NOT NULL,
        expected_days integer NOT NULL
    ) ON COMMIT DROP;

    -- 2a. Weeks and months, from the facts of their days: one pass over the facts, rolled up the tree.
    CREATE TEMP TABLE refresh_rolled ON COMMIT DROP AS
    WITH
    -- Which measure carries a stream's own time: attendee minutes (person-time) over meeting minutes.
    stream_time AS (
        SELECT s.source, s.stream,
               CASE WHEN 'attendee_minutes' = ANY (s.measures) THEN 'attendee_minutes'
                    WHEN 'minutes' = ANY (s.measures) THEN 'minutes' END AS time_measure
        FROM ref.streams s
    ),
    -- Complete days of the scanned range, flagging the last one of each week and month (stock levels).
    complete_days AS (
        SELECT category, day,
               day = max(day) OVER (PARTITION BY category, date_trunc('week', day::timestamp)) AS last_of_week,
               day = max(day) OVER (PARTITION BY category, date_trunc('month', day::timestamp)) AS last_of_month
        FROM refresh_cells
        WHERE day BETWEEN v_leaf_from AND v_leaf_to
        GROUP BY category, day
        HAVING bool_and(covered)
    ),
    -- The facts of the touched weeks and months. Flows also yield the two cost-model basis measures:
    -- the stream's own time where it reports one, else its events.
    leaf_facts AS (
        SELECT f.unit_code, f.category, x.measure, x.value,
               date_trunc('week', f.day::timestamp)::date AS week_start,
               date_trunc('month', f.day::timestamp)::date AS month_start,
               cd.day IS NOT NULL AS complete, cd.last_of_week, cd.last_of_month
        FROM facts.daily f
        JOIN ref.categories cat ON cat.category = f.category
        LEFT JOIN stream_time st ON (st.source, st.stream) = (f.source, f.stream)
        LEFT JOIN complete_days cd ON (cd.category, cd.day) = (f.category, f.day)
        CROSS JOIN LATERAL (VALUES
            (f.measure, f.value),
            ('scm_own_minutes', CASE WHEN cat.kind = 'flow' AND f.measure = st.time_measure THEN f.value END),
            ('scm_items',       CASE WHEN cat.kind = 'flow' AND f.measure = 'count' AND st.time_measure IS NULL THEN f.value END)
        ) AS x(measure, value)
        WHERE f.category = ANY (p_categories)
          AND f.day BETWEEN v_leaf_from AND v_leaf_to
          AND x.value IS NOT NULL
    ),
    -- Three sums per leaf unit and period, each linear in the facts:
    --   total      flows: everything in the period
    --   level_sum  stocks: daily levels summed over complete days (numerator of the mean)
    --   end_level  stocks: level on the period's last complete day
    leaf_periods AS (
        SELECT unit_code, category, measure,
               CASE WHEN GROUPING(week_start) = 0 THEN 'week' ELSE 'month' END AS period_kind,
               coalesce(week_start, month_start) AS period_start,
               sum(value) AS total,
               sum(value) FILTER (WHERE complete) AS level_sum,
               CASE WHEN GROUPING(week_start) = 0 THEN sum(value) FILTER (WHERE last_of_week)
                    ELSE sum(value) FILTER (WHERE last_of_month) END AS end_level
        FROM leaf_facts
        GROUP BY GROUPING SETS ((unit_code, category, measure, week_start), (unit_code, category, measure, month_start))
    )
    -- Up the org tree: each leaf's sums count for the unit itself and every ancestor. A month only partly
    -- in the scanned range (around a touched week) is not touched and is dropped here.
    SELECT tree.ancestor_code AS unit_code, lp.category, lp.measure, lp.period_kind, lp.period_start,
           sum(lp.total) AS total, sum(lp.level_sum) AS level_sum, sum(lp.end_level) AS end_level
    FROM leaf_periods lp
    JOIN refresh_touched t ON (t.period_kind, t.period_start) = (lp.period_kind, lp.period_start)
    JOIN marts.unit_tree tree ON tree.descendant_code = lp.unit_code
    GROUP BY 1, 2, 3, 4, 5;

    CREATE TEMP TABLE refresh_series ON COMMIT DROP AS
    WITH
    -- A year row with a value above 0 means the series had events (or a level) that year; one row per
    -- series and year is much cheaper to read than its months.
    series_years AS (
        SELECT period_start FROM refresh_touched WHERE period_kind = 'year'
        UNION
        SELECT (period_start - interval '1 year')::date FROM refresh_touched WHERE period_kind = 'year'
        UNION
        SELECT make_date(v_base_year, 1, 1) WHERE v_base_year IS NOT NULL
    ),
    stored_series AS (
        SELECT v.unit_code, v.category,
               CASE WHEN cat.kind = 'stock' AND v.measure LIKE '%\_mean' THEN left(v.measure, -5) ELSE v.measure END AS measure
        FROM series_years y
        JOIN marts.period_values v ON v.period_kind = 'year' AND v.period_start = y.period_start
        JOIN ref.categories cat ON cat.category = v.category
        WHERE v.category = ANY (p_categories)
          AND v.value > 0
    )
    SELECT unit_code, category, measure FROM refresh_rolled
    UNION
    SELECT unit_code, category, measure FROM stored_series;
    ANALYZE refresh_series;

    INSERT INTO refresh_new (unit_code, category, measure, period_kind, period_start, period_end, value, level_sum, covered_days, expected_days)
    WITH
    cells AS (
        SELECT s.unit_code, s.category, s.measure, t.kind, t.period_kind, t.period_start, t.period_end,
               t.covered_cells, t.covered_days, t.expected_days, t.last_covered_day,
               r.unit_code IS NOT NULL AS has_facts, r.total, r.level_sum, r.end_level
        FROM refresh_series s
        JOIN refresh_cov_new t ON t.category = s.category AND t.period_kind IN ('week', 'month')
        JOIN ref.units u ON u.code = s.unit_code
        LEFT JOIN refresh_rolled r ON (r.unit_code, r.category, r.measure, r.period_kind, r.period_start)
                                    = (s.unit_code, s.category, s.measure, t.period_kind, t.period_start)
        -- Zeros are filled in only for active units where something was expected: a period nothing was
        -- expected in says nothing, and an abolished unit has no burden to have reduced (its history
        -- still counts in its parents, and its own rows stay where it has facts).
        WHERE r.unit_code IS NOT NULL OR (t.expected_cells > 0 AND u.active)
    )
    SELECT unit_code, category, measure, period_kind, period_start, period_end,
           CASE
               -- Flow: the sum; zero events on covered days are a zero; nothing covered is unknown.
               WHEN kind = 'flow' THEN CASE WHEN has_facts THEN total WHEN covered_cells > 0 THEN 0 END
               -- Stock: the level on the last complete day; never a sum over days.
               ELSE CASE WHEN last_covered_day IS NOT NULL THEN coalesce(end_level, 0) END
           END,
           CASE WHEN kind = 'stock' AND covered_days > 0 THEN coalesce(level_sum, 0) END,
           covered_days, expected_days
    FROM cells
    UNION ALL
    -- Stock: the mean level over the complete days, as its own measure.
    SELECT unit_code, category, measure || '_mean', period_kind, period_start, period_end,
           CASE WHEN covered_days > 0 THEN coalesce(level_sum, 0) / covered_days END,
           NULL, covered_days, expected_days
    FROM cells
    WHERE kind = 'stock';

    -- 2b. Quarters and years, from their months: the months just computed, and the stored months this
    --     call did not touch. Flows sum; a stock's level is that of the month holding the period's last
    --     complete day, its mean is the months' level sums over the period's complete days.
    INSERT INTO refresh_new (unit_code, category, measure, period_kind, period_start, period_end, value, level_sum, covered_days, expected_days)
    WITH
    derived AS (
        SELECT * FROM refresh_cov_new WHERE period_kind IN ('quarter', 'year')
    ),
    months AS (
        SELECT n.unit_code, n.category, n.measure, n.period_start, n.value, n.level_sum
        FROM refresh_new n
        WHERE n.period_kind = 'month'
        UNION ALL
        SELECT v.unit_code, v.category, v.measure, v.period_start, v.value, v.level_sum
        FROM marts.period_values v
        WHERE v.category = ANY (p_categories)
          AND v.period_kind = 'month'
          AND v.period_start BETWEEN (SELECT min(period_start) FROM derived) AND (SELECT max(period_end) FROM derived)
          AND NOT EXISTS (SELECT 1 FROM refresh_touched t WHERE t.period_kind = 'month' AND t.period_start = v.period_start)
    ),
    sums AS (
        SELECT m.unit_code, m.category, m.measure, d.period_kind, d.period_start,
               count(m.value) AS months_with_value,
               sum(m.value) AS total,
               sum(m.level_sum) AS level_sum,
               sum(m.value) FILTER (WHERE m.period_start = date_trunc('month', d.last_covered_day::timestamp)::date) AS end_level
        FROM months m
        JOIN derived d ON d.category = m.category
                      AND m.period_start BETWEEN d.period_start AND d.period_end
        WHERE NOT (d.kind = 'stock' AND m.measure LIKE '%\_mean')
        GROUP BY 1, 2, 3, 4, 5
    ),
    cells AS (
        SELECT s.unit_code, s.category, s.measure, d.kind, d.period_kind, d.period_start, d.period_end,
               d.covered_cells, d.covered_days, d.expected_days, d.last_covered_day,
               x.months_with_value, x.total, x.level_sum, x.end_level
        FROM refresh_series s
        JOIN derived d ON d.category = s.category
        JOIN ref.units u ON u.code = s.unit_code
        LEFT JOIN sums x ON (x.unit_code, x.category, x.measure, x.period_kind, x.period_start)
                          = (s.unit_code, s.category, s.measure, d.period_kind, d.period_start)
        WHERE x.unit_code IS NOT NULL OR (d.expected_cells > 0 AND u.active)
    )
    SELECT unit_code, category, measure, period_kind, period_start, period_end,
           CASE
               WHEN kind = 'flow' THEN CASE WHEN months_with_value > 0 THEN total WHEN covered_cells > 0 THEN 0 END
               ELSE CASE WHEN last_covered_day IS NOT NULL THEN coalesce(end_level, 0) END
           END,
           CASE WHEN kind = 'stock' AND covered_days > 0 THEN coalesce(level_sum, 0) END,
           covered_days, expected_days
    FROM cells
    UNION ALL
    SELECT unit_code, category, measure || '_mean', period_kind, period_start, period_end,
           CASE WHEN covered_days > 0 THEN coalesce(level_sum, 0) / covered_days END,
           NULL, covered_days, expected_days
    FROM cells
    WHERE kind = 'stock';

    ANALYZE refresh_new;

    -- -----------------------------------------------------------------------------------------------
    -- 3. Replace the touched cells, keeping what was published and has changed.
    -- -----------------------------------------------------------------------------------------------
    CREATE TEMP TABLE refresh_cov_old (LIKE marts.period_coverage) ON COMMIT DROP;
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
           o.known_since, now(), v_reason, v_window_id
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

    -- Values: only what changed is written (most rows of a re-pulled week are the same), so a load that
    -- re-pulls unchanged days costs reads, not writes. computed_at and value_since move only on change.
    CREATE TEMP TABLE refresh_old ON COMMIT DROP AS
    SELECT v.*
    FROM refresh_touched t
    JOIN marts.period_values v ON (v.period_kind, v.period_start) = (t.period_kind, t.period_start)
    WHERE v.category = ANY (p_categories);
    ANALYZE refresh_old;

    -- A value was published when its period had ended and the coverage it was computed with met the
    -- threshold. Values of running periods, and of periods still being back-filled, change with every
    -- load and are not restatements.
    INSERT INTO marts.period_values_history (
        unit_code, category, measure, period_kind, period_start, period_end, value, new_value,
        known_from, replaced_at, reason, window_id)
    SELECT o.unit_code, o.category, o.measure, o.period_kind, o.period_start, o.period_end, o.value, n.value,
           o.value_since, now(), v_reason, v_window_id
    FROM refresh_old o
    JOIN refresh_cov_old oc ON (oc.category, oc.period_kind, oc.period_start) = (o.category, o.period_kind, o.period_start)
    LEFT JOIN refresh_new n ON (n.unit_code, n.category, n.measure, n.period_kind, n.period_start)
                             = (o.unit_code, o.category, o.measure, o.period_kind, o.period_start)
    WHERE o.period_end < current_date
      AND oc.coverage >= v_threshold
      AND o.value IS DISTINCT FROM n.value;

    DELETE FROM marts.period_values v
    USING refresh_old o
    WHERE (v.category, v.period_kind, v.period_start, v.unit_code, v.measure)
        = (o.category, o.period_kind, o.period_start, o.unit_code, o.measure)
      AND NOT EXISTS (SELECT 1 FROM refresh_new n
                      WHERE (n.category, n.period_kind, n.period_start, n.unit_code, n.measure)
                          = (o.category, o.period_kind, o.period_start, o.unit_code, o.measure));

    UPDATE marts.period_values v
    SET period_end = n.period_end, value = n.value, level_sum = n.level_sum,
        covered_days = n.covered_days, expected_days = n.expected_days, computed_at = now(),
        value_since = CASE WHEN v.value IS DISTINCT FROM n.value THEN now() ELSE v.value_since END
    FROM refresh_new n
    WHERE (v.category, v.period_kind, v.period_start, v.unit_code, v.measure)
        = (n.category, n.period_kind, n.period_start, n.unit_code, n.measure)
      AND (v.value, v.level_sum, v.covered_days, v.expected_days)
          IS DISTINCT FROM (n.value, n.level_sum, n.covered_days, n.expected_days);

    INSERT INTO marts.period_values (
        unit_code, category, measure, period_kind, period_start, period_end, value, covered_days, expected_days,
        computed_at, level_sum, value_since)
    SELECT n.unit_code, n.category, n.measure, n.period_kind, n.period_start, n.period_end, n.value,
           n.covered_days, n.expected_days, now(), n.level_sum, now()
    FROM refresh_new n
    WHERE NOT EXISTS (SELECT 1 FROM refresh_old o
                      WHERE (o.category, o.period_kind, o.period_start, o.unit_code, o.measure)
                          = (n.category, n.period_kind, n.period_start, n.unit_code, n.measure));

    DROP TABLE refresh_touched, refresh_cells, refresh_cov_new, refresh_cov_old, refresh_rolled, refresh_series, refresh_new, refresh_old;

    -- 4. The disguised-burden signals of the touched periods (V15).
    PERFORM marts.refresh_signals(p_from, p_to);
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_periods(date, date, text[]) IS
'Recomputes marts.period_coverage and marts.period_values for every ISO week, month, quarter and year touching [p_from, p_to], for the given categories only. Weeks and months are read from facts, quarters and years derived from the months. Changed published values go to marts.period_values_history. Then refreshes the signals of the touched periods. Call inside the load transaction, after the facts and ops.coverage rows of those days are written. Serialized by pg_advisory_xact_lock(469786326131).';
