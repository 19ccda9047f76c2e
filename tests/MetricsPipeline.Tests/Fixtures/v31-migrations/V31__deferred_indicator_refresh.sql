-- V31: the indicator refresh leaves the load transaction.
--
-- Until V30 every window ran marts.refresh_periods inside its own transaction, serialized warehouse-wide
-- by one advisory lock. That made each window pay for a refresh (tens of milliseconds for a day, tens of
-- seconds for a month at scale), capped one warehouse at a few windows a second and made a backfill
-- refresh the same years once per month it loaded.
--
-- Now a load only queues what it touched (ops.indicator_refresh_queue, written in the load's transaction,
-- so it commits or rolls back with the facts), and marts.refresh_queued() drains the queue: it takes the
-- refresh lock, removes every queued row, merges overlapping or adjacent day ranges, and refreshes each
-- merged range once for the union of its categories. run-once and backfill drain at the end of the run;
-- the service drains every Pipeline:Indicators:RefreshInterval. A crash between the load and the drain
-- leaves the rows queued; a crash during the drain rolls it back with the rows still queued.
--
-- Restatement history keeps naming the loads that caused a change: refresh_periods reads the reason and
-- window from transaction-local settings that refresh_queued sets for each merged range.

CREATE TABLE ops.indicator_refresh_queue (
    queue_id    bigserial   PRIMARY KEY,
    day_from    date        NOT NULL,
    day_to      date        NOT NULL,
    categories  text[]      NOT NULL,
    window_id   bigint      NULL,
    reason      text        NOT NULL,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (day_from <= day_to)
);
COMMENT ON TABLE ops.indicator_refresh_queue IS 'Day ranges whose facts changed and whose indicators (marts.period_values, period_coverage, signals) are not yet refreshed. Grain: one row per load (window or file). Written in the load transaction, removed by marts.refresh_queued(). Empty when the marts are current.';
COMMENT ON COLUMN ops.indicator_refresh_queue.queue_id IS 'Order of arrival.';
COMMENT ON COLUMN ops.indicator_refresh_queue.day_from IS 'First local day the load changed (or may have changed).';
COMMENT ON COLUMN ops.indicator_refresh_queue.day_to IS 'Last local day the load changed (or may have changed).';
COMMENT ON COLUMN ops.indicator_refresh_queue.categories IS 'Canonical categories the load''s stream maps to.';
COMMENT ON COLUMN ops.indicator_refresh_queue.window_id IS 'ops.windows row of the load.';
COMMENT ON COLUMN ops.indicator_refresh_queue.reason IS 'Why the indicators may change, as restatement history will record it.';
COMMENT ON COLUMN ops.indicator_refresh_queue.queued_at IS 'UTC time the load committed (transaction start). The oldest one is how far the indicators lag behind the facts.';

GRANT SELECT ON ops.indicator_refresh_queue TO metrics_dashboard;

CREATE OR REPLACE FUNCTION marts.refresh_periods(p_from date, p_to date, p_categories text[])
RETURNS void
LANGUAGE plpgsql
-- JIT costs more than the query. Refreshes run one at a time (advisory lock), so a large work_mem is safe:
-- a refresh after a backfill of years aggregates millions of leaf periods, in memory instead of on disk.
SET jit = off
SET work_mem = '1GB'
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
    v_enable_sort text := current_setting('enable_sort');
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

    -- Why values may change: the loads that queued this refresh (marts.refresh_queued sets them), else the
    -- load window written in this transaction, if any.
    v_reason := nullif(current_setting('metrics.refresh_reason', true), '');
    v_window_id := nullif(current_setting('metrics.refresh_window_id', true), '')::bigint;
    IF v_reason IS NULL THEN
        SELECT w.window_id,
               format('window %s re-pulled %s/%s %s..%s (rows arrived late, were corrected or deleted at the source)',
                      w.window_id, w.source, w.stream, w.day_from, w.day_to)
        INTO v_window_id, v_reason
        FROM (SELECT o.*, o.xmin AS row_xmin FROM ops.windows o ORDER BY o.window_id DESC LIMIT 200) w
        WHERE w.row_xmin = pg_current_xact_id()::xid
        ORDER BY w.window_id DESC
        LIMIT 1;
    END IF;
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
    DROP TABLE IF EXISTS pg_temp.refresh_touched, pg_temp.refresh_cells, pg_temp.refresh_cov_new, pg_temp.refresh_leaf,
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

    -- 2a. Weeks and months, from the facts of their days: one pass over the facts per leaf unit, then up
    --     the tree. (V10 did both in one statement; the planner then sorted the tree-multiplied rows on text
    --     keys, which took minutes for a backfill of years.)
    -- The planner cannot estimate how many leaf periods (and ancestor periods below) the facts make and
    -- would sort millions of rows on text keys to group them. Hashed, the roll-up up the tree took a third
    -- of the time after a two-year backfill (38 s -> 12 s); the leaf aggregation, dominated by its numeric
    -- sums, took about as long either way.
    PERFORM set_config('enable_sort', 'off', true);
    CREATE TEMP TABLE refresh_leaf ON COMMIT DROP AS
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
        SELECT f.unit_code, f.category, x.measure, x.value, cat.kind = 'stock' AS stock,
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
    --   level_sum  stocks: daily levels summed over complete days (numerator of the mean); NULL for flows
    --   end_level  stocks: level on the period's last complete day; NULL for flows
    -- (Two plain aggregations rather than GROUPING SETS, so both can be hashed; the grouping sets sorted
    -- one of them on disk. Measured about even.)
    leaf_periods AS (
        SELECT unit_code, category, measure, 'week' AS period_kind, week_start AS period_start,
               sum(value) AS total,
               sum(value) FILTER (WHERE stock AND complete) AS level_sum,
               sum(value) FILTER (WHERE stock AND last_of_week) AS end_level
        FROM leaf_facts
        GROUP BY unit_code, category, measure, week_start
        UNION ALL
        SELECT unit_code, category, measure, 'month', month_start,
               sum(value),
               sum(value) FILTER (WHERE stock AND complete),
               sum(value) FILTER (WHERE stock AND last_of_month)
        FROM leaf_facts
        GROUP BY unit_code, category, measure, month_start
    )
    -- A month only partly in the scanned range (around a touched week) is not touched and is dropped here.
    SELECT lp.unit_code, lp.category, lp.measure, lp.period_kind, lp.period_start, lp.total, lp.level_sum, lp.end_level
    FROM leaf_periods lp
    JOIN refresh_touched t ON (t.period_kind, t.period_start) = (lp.period_kind, lp.period_start);
    ANALYZE refresh_leaf;

    -- Up the org tree: each unit's sums count for the unit itself and every ancestor. A unit without
    -- descendants (a village) is its own subtree: its rows pass as they are. Only the few units with a
    -- subtree aggregate, into few groups.
    CREATE TEMP TABLE refresh_rolled ON COMMIT DROP AS
    WITH parents AS (
        SELECT DISTINCT ancestor_code FROM marts.unit_tree WHERE ancestor_code <> descendant_code
    )
    SELECT l.unit_code, l.category, l.measure, l.period_kind, l.period_start, l.total, l.level_sum, l.end_level
    FROM refresh_leaf l
    WHERE l.unit_code IN (SELECT descendant_code FROM marts.unit_tree)
      AND l.unit_code NOT IN (SELECT ancestor_code FROM parents)
    UNION ALL
    SELECT tree.ancestor_code, l.category, l.measure, l.period_kind, l.period_start,
           sum(l.total), sum(l.level_sum), sum(l.end_level)
    FROM refresh_leaf l
    JOIN marts.unit_tree tree ON tree.descendant_code = l.unit_code
    WHERE tree.ancestor_code IN (SELECT ancestor_code FROM parents)
    GROUP BY 1, 2, 3, 4, 5;
    PERFORM set_config('enable_sort', v_enable_sort, true);
    -- Without statistics the next statements take this table for a thousand rows and join it in nested loops.
    ANALYZE refresh_rolled;

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

    DROP TABLE refresh_touched, refresh_cells, refresh_cov_new, refresh_cov_old, refresh_leaf, refresh_rolled, refresh_series, refresh_new, refresh_old;

    -- 4. The disguised-burden signals of the touched periods (V15).
    PERFORM marts.refresh_signals(p_from, p_to);
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_periods(date, date, text[]) IS
'Recomputes marts.period_coverage and marts.period_values for every ISO week, month, quarter and year touching [p_from, p_to], for the given categories only. Weeks and months are read from facts, quarters and years derived from the months. Changed published values go to marts.period_values_history with the reason in the setting metrics.refresh_reason (set by marts.refresh_queued), else the load window of the calling transaction, else "manual refresh". Then refreshes the signals of the touched periods. Serialized by pg_advisory_xact_lock(469786326131). Loads do not call it: they queue their days in ops.indicator_refresh_queue.';

-- ---------------------------------------------------------------------------------------------------
-- Draining the queue
-- ---------------------------------------------------------------------------------------------------

CREATE FUNCTION marts.refresh_queued()
RETURNS TABLE (day_from date, day_to date, categories text[], loads integer)
LANGUAGE plpgsql
AS $fn$
DECLARE
    r record;
    v_days integer;
BEGIN
    -- The refresh lock first, then the queue: rows are taken by exactly one drainer, and a load that
    -- commits meanwhile stays queued for the next one.
    PERFORM pg_advisory_xact_lock(469786326131);

    DROP TABLE IF EXISTS pg_temp.refresh_batch;
    CREATE TEMP TABLE refresh_batch (LIKE ops.indicator_refresh_queue) ON COMMIT DROP;
    WITH taken AS (DELETE FROM ops.indicator_refresh_queue RETURNING *)
    INSERT INTO refresh_batch SELECT * FROM taken;

    SELECT coalesce(sum(b.day_to - b.day_from + 1), 0) INTO v_days FROM refresh_batch b;
    IF v_days = 0 THEN
        RETURN;
    END IF;
    -- A batch this large follows a backfill: facts.daily changed more than autovacuum has seen, and
    -- stale statistics turn the refresh's joins into nested loops over millions of rows.
    IF v_days > 62 THEN
        ANALYZE facts.daily;
        ANALYZE ops.coverage;
    END IF;

    FOR r IN
        WITH
        ordered AS (
            SELECT b.*,
                   -- A range starts a new island unless it overlaps or touches an earlier one.
                   CASE WHEN b.day_from <= max(b.day_to) OVER (ORDER BY b.day_from, b.day_to, b.queue_id
                                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                        THEN 0 ELSE 1 END AS starts_island
            FROM refresh_batch b
        ),
        islands AS (
            SELECT o.*, sum(o.starts_island) OVER (ORDER BY o.day_from, o.day_to, o.queue_id) AS island
            FROM ordered o
        )
        SELECT i.island, min(i.day_from) AS day_from, max(i.day_to) AS day_to, count(*)::integer AS loads,
               max(i.window_id) AS window_id,
               (SELECT array_agg(DISTINCT c ORDER BY c) FROM islands j CROSS JOIN LATERAL unnest(j.categories) AS c
                WHERE j.island = i.island) AS categories,
               CASE WHEN count(*) = 1 THEN min(i.reason)
                    ELSE left(format('%s loads changed %s..%s: %s', count(*), min(i.day_from), max(i.day_to),
                                     string_agg(i.reason, '; ' ORDER BY i.queue_id)), 2000)
               END AS reason
        FROM islands i
        GROUP BY i.island
        ORDER BY i.island
    LOOP
        PERFORM set_config('metrics.refresh_reason', r.reason, true);
        PERFORM set_config('metrics.refresh_window_id', coalesce(r.window_id::text, ''), true);
        PERFORM marts.refresh_periods(r.day_from, r.day_to, r.categories);
        day_from := r.day_from;
        day_to := r.day_to;
        categories := r.categories;
        loads := r.loads;
        RETURN NEXT;
    END LOOP;
    -- A manual refresh later in this transaction must not inherit the last range's reason.
    PERFORM set_config('metrics.refresh_reason', '', true);
    PERFORM set_config('metrics.refresh_window_id', '', true);
    DROP TABLE refresh_batch;
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_queued() IS
'Drains ops.indicator_refresh_queue: takes the refresh lock, removes every queued row, merges overlapping or adjacent day ranges and runs marts.refresh_periods once per merged range for the union of its categories. Returns one row per refreshed range (days, categories, number of loads merged). Run by run-once and backfill at the end of a run and by the service every Pipeline:Indicators:RefreshInterval; safe to run by hand (SELECT * FROM marts.refresh_queued()).';

GRANT EXECUTE ON FUNCTION marts.refresh_queued() TO metrics_writer;

-- The signals read the marts the refresh has just written, before autovacuum has analyzed them: with no
-- statistics the planner takes a quarter's thousands of series for one row and joins them with themselves
-- in nested loops (a minute after a backfill of two years; hash joins take seconds, and no longer at a
-- daily refresh's size).
ALTER FUNCTION marts.refresh_signals(date, date) SET enable_nestloop = off;
