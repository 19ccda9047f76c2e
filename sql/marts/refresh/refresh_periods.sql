CREATE FUNCTION marts.refresh_periods(p_from date, p_to date, p_categories text[])
RETURNS void
LANGUAGE plpgsql
-- JIT costs more than the query. Refreshes run one at a time (advisory lock), so a large work_mem is safe:
-- a refresh after a backfill of years aggregates millions of leaf periods, in memory instead of on disk.
SET jit = off
SET work_mem = '1GB'
AS $fn$
DECLARE
    v_threshold  numeric;
    v_window_id  bigint;
    v_reason     text;
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

    SELECT c.reason, c.window_id INTO v_reason, v_window_id FROM marts.refresh_context() c;

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

    SELECT coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95)
    INTO v_threshold;

    -- Work tables of this call; a second call in the same transaction starts afresh. Each is declared to
    -- plpgsql_check by a PRAGMA string after its creation (a PERFORM of a constant: nothing at run time).
    DROP TABLE IF EXISTS pg_temp.delta_taken, pg_temp.refresh_leaf, pg_temp.refresh_rolled, pg_temp.refresh_new, pg_temp.refresh_old,
                         pg_temp.refresh_published, pg_temp.refresh_published_old;

    PERFORM marts.refresh_coverage_compute(p_from, p_to, p_categories);
    PERFORM 'PRAGMA:TABLE: refresh_touched (period_kind text, period_start date, period_end date)';
    PERFORM 'PRAGMA:TABLE: refresh_cells (category text, source text, stream text, day date, covered boolean)';
    PERFORM 'PRAGMA:TABLE: refresh_cov_new (category text, kind text, period_kind text, period_start date, period_end date, expected_cells integer, covered_cells integer, expected_days integer, covered_days integer, last_covered_day date, streams text[], missing_streams text[], expected_through date)';
    -- Facts are read only for the touched weeks and months.
    SELECT min(period_start), max(period_end) INTO v_leaf_from, v_leaf_to
    FROM refresh_touched WHERE period_kind IN ('week', 'month');

    -- -----------------------------------------------------------------------------------------------
    -- 2. The stored sums of the touched periods: only the periods in which a series has facts (V32).
    --    Zeros and NULLs of the other covered periods are derived on read by marts.period_values.
    -- -----------------------------------------------------------------------------------------------
    CREATE TEMP TABLE refresh_new (
        unit_code     text    NOT NULL,
        category      text    NOT NULL,
        measure       text    NOT NULL,
        period_kind   text    NOT NULL,
        period_start  date    NOT NULL,
        period_end    date    NOT NULL,
        value         numeric NULL,
        level_sum     numeric NULL
    ) ON COMMIT DROP;
    PERFORM 'PRAGMA:TABLE: refresh_new (unit_code text, category text, measure text, period_kind text, period_start date, period_end date, value numeric, level_sum numeric)';

    -- 2a. Weeks and months, from the facts of their days: one pass over the facts per leaf unit, then up
    --     the tree. (V10 did both in one statement; the planner then sorted the tree-multiplied rows on text
    --     keys, which took minutes for a backfill of years.)
    -- The planner cannot estimate how many leaf periods (and ancestor periods below) the facts make and
    -- would sort millions of rows on text keys to group them. Hashed, the roll-up up the tree took a third
    -- of the time after a two-year backfill (38 s -> 12 s); the leaf aggregation, dominated by its numeric
    -- sums, took about as long either way.
    PERFORM set_config('enable_sort', 'off', true);
    CREATE TEMP TABLE refresh_leaf (
        unit_code     text    NOT NULL,
        category      text    NOT NULL,
        measure       text    NOT NULL,
        period_kind   text    NOT NULL,
        period_start  date    NOT NULL,
        total         numeric NULL,
        level_sum     numeric NULL,
        end_level     numeric NULL
    ) ON COMMIT DROP;
    PERFORM 'PRAGMA:TABLE: refresh_leaf (unit_code text, category text, measure text, period_kind text, period_start date, total numeric, level_sum numeric, end_level numeric)';
    CREATE TEMP TABLE delta_taken (
        source     text    NOT NULL,
        stream     text    NOT NULL,
        day        date    NOT NULL,
        unit_code  text    NOT NULL,
        category   text    NOT NULL,
        measure    text    NOT NULL,
        delta      numeric NOT NULL
    ) ON COMMIT DROP;
    PERFORM 'PRAGMA:TABLE: delta_taken (source text, stream text, day date, unit_code text, category text, measure text, delta numeric)';
    WITH
    -- The changes loads recorded for the days read here (ops.fact_deltas, V36) are in these facts, so
    -- the same statement consumes them: one snapshot, so a change committed meanwhile is neither read
    -- nor consumed and waits for the next refresh. A consumed change also lies in periods this call does
    -- not recompute (the other weeks of a touched month ...): it is added to those below.
    consumed AS (
        DELETE FROM ops.fact_deltas d
        WHERE d.category = ANY (p_categories) AND d.day BETWEEN v_leaf_from AND v_leaf_to
        RETURNING d.source, d.stream, d.day, d.unit_code, d.category, d.measure, d.delta
    ),
    kept AS (
        INSERT INTO delta_taken SELECT * FROM consumed
    ),
    stream_time AS (
        SELECT * FROM ref.stream_time_measures
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
    -- The facts of the touched weeks and months. Flows also yield the cost-model basis of streams that
    -- report their own time: that time, and their events (scm_timed_count). The events of the other streams,
    -- priced at the tariff (scm_items), are count - scm_timed_count: marts.period_values derives them (V35),
    -- so the common case (no stream of the category reports time) stores nothing twice.
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
            ('scm_timed_count', CASE WHEN cat.kind = 'flow' AND f.measure = 'count' AND st.time_measure IS NOT NULL THEN f.value END)
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
    INSERT INTO refresh_leaf (unit_code, category, measure, period_kind, period_start, total, level_sum, end_level)
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
    PERFORM 'PRAGMA:TABLE: refresh_rolled (unit_code text, category text, measure text, period_kind text, period_start date, total numeric, level_sum numeric, end_level numeric)';

    INSERT INTO refresh_new (unit_code, category, measure, period_kind, period_start, period_end, value, level_sum)
    WITH
    cells AS (
        SELECT r.unit_code, r.category, r.measure, t.kind, t.period_kind, t.period_start, t.period_end,
               t.covered_days, t.last_covered_day, r.total, r.level_sum, r.end_level
        FROM refresh_rolled r
        JOIN refresh_cov_new t ON (t.category, t.period_kind, t.period_start) = (r.category, r.period_kind, r.period_start)
    )
    SELECT unit_code, category, measure, period_kind, period_start, period_end,
           CASE
               -- Flow: the sum.
               WHEN kind = 'flow' THEN total
               -- Stock: the level on the last complete day (no row that day = 0); never a sum over days.
               ELSE CASE WHEN last_covered_day IS NOT NULL THEN coalesce(end_level, 0) END
           END,
           CASE WHEN kind = 'stock' AND covered_days > 0 THEN coalesce(level_sum, 0) END
    FROM cells
    UNION ALL
    -- Stock: the mean level over the complete days, as its own measure.
    SELECT unit_code, category, measure || '_mean', period_kind, period_start, period_end,
           CASE WHEN covered_days > 0 THEN coalesce(level_sum, 0) / covered_days END,
           NULL
    FROM cells
    WHERE kind = 'stock';

    -- 2b. Quarters and years, from their months: the months just computed, and the stored months this
    --     call did not touch. Flows sum; a stock's level is that of the month holding the period's last
    --     complete day, its mean is the months' level sums over the period's complete days. A quarter or
    --     year is stored where at least one of its months is.
    INSERT INTO refresh_new (unit_code, category, measure, period_kind, period_start, period_end, value, level_sum)
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
        FROM marts.period_sums v
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
        SELECT x.unit_code, x.category, x.measure, d.kind, d.period_kind, d.period_start, d.period_end,
               d.covered_cells, d.covered_days, d.last_covered_day,
               x.months_with_value, x.total, x.level_sum, x.end_level
        FROM sums x
        JOIN derived d ON (d.category, d.period_kind, d.period_start) = (x.category, x.period_kind, x.period_start)
    )
    SELECT unit_code, category, measure, period_kind, period_start, period_end,
           CASE
               WHEN kind = 'flow' THEN CASE WHEN months_with_value > 0 THEN total WHEN covered_cells > 0 THEN 0 END
               ELSE CASE WHEN last_covered_day IS NOT NULL THEN coalesce(end_level, 0) END
           END,
           CASE WHEN kind = 'stock' AND covered_days > 0 THEN coalesce(level_sum, 0) END
    FROM cells
    UNION ALL
    SELECT unit_code, category, measure || '_mean', period_kind, period_start, period_end,
           CASE WHEN covered_days > 0 THEN coalesce(level_sum, 0) / covered_days END,
           NULL
    FROM cells
    WHERE kind = 'stock';

    ANALYZE refresh_new;

    -- -----------------------------------------------------------------------------------------------
    -- 3. Replace the touched cells, keeping what was published and has changed.
    -- -----------------------------------------------------------------------------------------------
    -- A value was published when its period had ended and the coverage it was computed with met the
    -- threshold. Values of running periods, and of periods still being back-filled, change with every
    -- load and are not restatements. The published values as analysts read them (zeros included), before
    -- anything is replaced; after a first backfill there are none, so it costs nothing there.
    CREATE TEMP TABLE refresh_published ON COMMIT DROP AS
    SELECT oc.category, oc.period_kind, oc.period_start
    FROM refresh_touched t
    JOIN marts.period_coverage oc ON (oc.period_kind, oc.period_start) = (t.period_kind, t.period_start)
    WHERE oc.category = ANY (p_categories)
      AND oc.period_end < current_date
      AND oc.coverage >= v_threshold;
    ANALYZE refresh_published;
    PERFORM 'PRAGMA:TABLE: refresh_published (category text, period_kind text, period_start date)';
    CREATE TEMP TABLE refresh_published_old ON COMMIT DROP AS
    SELECT v.unit_code, v.category, v.measure, v.period_kind, v.period_start, v.period_end, v.value, v.value_since
    FROM marts.period_values v
    JOIN refresh_published p ON (p.category, p.period_kind, p.period_start) = (v.category, v.period_kind, v.period_start)
    WHERE v.category = ANY (p_categories);
    PERFORM 'PRAGMA:TABLE: refresh_published_old (unit_code text, category text, measure text, period_kind text, period_start date, period_end date, value numeric, value_since timestamptz)';

    PERFORM marts.refresh_coverage_apply(p_categories, v_reason, v_window_id);
    PERFORM 'PRAGMA:TABLE: refresh_cov_old (LIKE marts.period_coverage)';

    -- Sums: only what changed is written (most rows of a re-pulled week are the same), so a load that
    -- re-pulls unchanged days costs reads, not writes. computed_at and value_since move only on change.
    CREATE TEMP TABLE refresh_old ON COMMIT DROP AS
    SELECT v.*
    FROM refresh_touched t
    JOIN marts.period_sums v ON (v.period_kind, v.period_start) = (t.period_kind, t.period_start)
    WHERE v.category = ANY (p_categories);
    ANALYZE refresh_old;
    PERFORM 'PRAGMA:TABLE: refresh_old (LIKE marts.period_sums)';

    DELETE FROM marts.period_sums v
    USING refresh_old o
    WHERE (v.category, v.period_kind, v.period_start, v.unit_code, v.measure)
        = (o.category, o.period_kind, o.period_start, o.unit_code, o.measure)
      AND NOT EXISTS (SELECT 1 FROM refresh_new n
                      WHERE (n.category, n.period_kind, n.period_start, n.unit_code, n.measure)
                          = (o.category, o.period_kind, o.period_start, o.unit_code, o.measure));

    UPDATE marts.period_sums v
    SET period_end = n.period_end, value = n.value, level_sum = n.level_sum, computed_at = now(),
        value_since = CASE WHEN v.value IS DISTINCT FROM n.value THEN now() ELSE v.value_since END
    FROM refresh_new n
    WHERE (v.category, v.period_kind, v.period_start, v.unit_code, v.measure)
        = (n.category, n.period_kind, n.period_start, n.unit_code, n.measure)
      AND (v.period_end, v.value, v.level_sum) IS DISTINCT FROM (n.period_end, n.value, n.level_sum);

    -- A row that was a derived zero keeps the time its zero was known from, if the value is still 0.
    -- After a first backfill nothing was stored: insert straight away (an anti-join against an empty table
    -- is planned as a nested loop that scans it once per new row, minutes for millions of rows).
    IF EXISTS (SELECT 1 FROM refresh_old) THEN
        INSERT INTO marts.period_sums (
            unit_code, category, measure, period_kind, period_start, period_end, value, level_sum, computed_at, value_since)
        SELECT n.unit_code, n.category, n.measure, n.period_kind, n.period_start, n.period_end, n.value, n.level_sum, now(),
               CASE WHEN p.value IS NOT DISTINCT FROM n.value AND p.unit_code IS NOT NULL THEN p.value_since ELSE now() END
        FROM refresh_new n
        LEFT JOIN refresh_old o ON (o.category, o.period_kind, o.period_start, o.unit_code, o.measure)
                                 = (n.category, n.period_kind, n.period_start, n.unit_code, n.measure)
        LEFT JOIN refresh_published_old p ON (p.category, p.period_kind, p.period_start, p.unit_code, p.measure)
                                           = (n.category, n.period_kind, n.period_start, n.unit_code, n.measure)
        WHERE o.unit_code IS NULL;
    ELSE
        INSERT INTO marts.period_sums (
            unit_code, category, measure, period_kind, period_start, period_end, value, level_sum, computed_at, value_since)
        SELECT n.unit_code, n.category, n.measure, n.period_kind, n.period_start, n.period_end, n.value, n.level_sum, now(),
               CASE WHEN p.value IS NOT DISTINCT FROM n.value AND p.unit_code IS NOT NULL THEN p.value_since ELSE now() END
        FROM refresh_new n
        LEFT JOIN refresh_published_old p ON (p.category, p.period_kind, p.period_start, p.unit_code, p.measure)
                                           = (n.category, n.period_kind, n.period_start, n.unit_code, n.measure)
        -- In primary-key order: the key index then grows at its right edge instead of splitting pages at
        -- random (millions of rows after a backfill).
        ORDER BY n.category, n.period_kind, n.period_start, n.unit_code, n.measure;
    END IF;

    -- Published values that changed, as analysts read them before and after (a derived zero included).
    INSERT INTO marts.period_values_history (
        unit_code, category, measure, period_kind, period_start, period_end, value, new_value,
        known_from, replaced_at, reason, window_id)
    WITH now_read AS (
        SELECT v.unit_code, v.category, v.measure, v.period_kind, v.period_start, v.value
        FROM marts.period_values v
        JOIN refresh_published p ON (p.category, p.period_kind, p.period_start) = (v.category, v.period_kind, v.period_start)
        WHERE v.category = ANY (p_categories)
    )
    SELECT o.unit_code, o.category, o.measure, o.period_kind, o.period_start, o.period_end, o.value, n.value,
           o.value_since, now(), v_reason, v_window_id
    FROM refresh_published_old o
    LEFT JOIN now_read n ON (n.unit_code, n.category, n.measure, n.period_kind, n.period_start)
                          = (o.unit_code, o.category, o.measure, o.period_kind, o.period_start)
    WHERE o.value IS DISTINCT FROM n.value;

    -- The consumed changes of days in periods not recomputed here.
    PERFORM marts.add_fact_deltas(true, v_reason, v_window_id);

    DROP TABLE delta_taken, refresh_touched, refresh_cells, refresh_cov_new, refresh_cov_old, refresh_leaf, refresh_rolled, refresh_new,
               refresh_old, refresh_published, refresh_published_old;

    -- 4. The disguised-burden signals of the touched periods (V15).
    PERFORM marts.refresh_signals(p_from, p_to);
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_periods(date, date, text[]) IS 'Recomputes marts.period_coverage and the stored sums (marts.period_sums: periods with facts only; marts.period_values derives the zeros) for every ISO week, month, quarter and year touching [p_from, p_to], for the given categories only. Weeks and months are read from facts, quarters and years derived from the months. Changed published values go to marts.period_values_history with the reason in the setting metrics.refresh_reason (set by marts.refresh_queued), else the load window of the calling transaction, else "manual refresh". Then refreshes the signals of the touched periods. Serialized by pg_advisory_xact_lock(469786326131). Loads do not call it: they queue their days in ops.indicator_refresh_queue.';
GRANT EXECUTE ON FUNCTION marts.refresh_periods(date, date, text[]) TO metrics_writer;
