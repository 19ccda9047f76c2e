-- Adds the fact changes in the temp table delta_taken (rows taken from ops.fact_deltas by the caller) to the
-- stored sums of every period of their days, for the unit of each fact and all its ancestors: the
-- incremental roll-up (V36). Flows only: a flow's sum is linear in its facts and does not depend on coverage.
-- With p_skip_touched the periods in refresh_touched are left alone (marts.refresh_periods has just
-- recomputed them from facts that already hold these changes).
--
-- Published values that change go to marts.period_values_history, as marts.refresh_periods records them:
-- the value analysts read before and after (a derived zero included), with the reason and window given.
CREATE FUNCTION marts.add_fact_deltas(p_skip_touched boolean, p_reason text, p_window_id bigint)
RETURNS void
LANGUAGE plpgsql
SET jit = off
AS $fn$
DECLARE
    v_threshold  numeric;
    v_first_day  date;
    v_last_day   date;
BEGIN
    PERFORM 'PRAGMA:TABLE: delta_taken (source text, stream text, day date, unit_code text, category text, measure text, delta numeric)';
    PERFORM 'PRAGMA:TABLE: refresh_touched (period_kind text, period_start date, period_end date)';
    SELECT min(day), max(day) INTO v_first_day, v_last_day FROM delta_taken;
    IF v_first_day IS NULL THEN
        RETURN;
    END IF;
    SELECT coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95)
    INTO v_threshold;
    DROP TABLE IF EXISTS pg_temp.delta_sums, pg_temp.delta_keys, pg_temp.delta_published_old;

    -- The changes per unit and ancestor, category, measure and period. A flow also changes its cost-model
    -- basis: the time of a stream that reports it (scm_own_minutes) and its events (scm_timed_count).
    CREATE TEMP TABLE delta_sums ON COMMIT DROP AS
    WITH
    measures AS (
        SELECT t.unit_code, t.category, x.measure, t.day, x.delta
        FROM delta_taken t
        LEFT JOIN ref.stream_time_measures st ON (st.source, st.stream) = (t.source, t.stream)
        CROSS JOIN LATERAL (VALUES
            (t.measure, t.delta),
            ('scm_own_minutes', CASE WHEN t.measure = st.time_measure THEN t.delta END),
            ('scm_timed_count', CASE WHEN t.measure = 'count' AND st.time_measure IS NOT NULL THEN t.delta END)
        ) AS x(measure, delta)
        WHERE x.delta IS NOT NULL
    ),
    calendar AS (
        SELECT c.* FROM marts.touched_periods(v_first_day, v_last_day) c
        WHERE NOT (p_skip_touched AND EXISTS (SELECT 1 FROM refresh_touched t
                                               WHERE (t.period_kind, t.period_start) = (c.period_kind, c.period_start)))
    )
    SELECT tree.ancestor_code AS unit_code, m.category, m.measure, c.period_kind, c.period_start, c.period_end,
           sum(m.delta) AS delta
    FROM measures m
    JOIN marts.unit_tree tree ON tree.descendant_code = m.unit_code
    CROSS JOIN LATERAL marts.period_starts(m.day) p
    JOIN calendar c ON (c.period_kind, c.period_start) = (p.period_kind, p.period_start)
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(m.delta) <> 0;
    ANALYZE delta_sums;
    PERFORM 'PRAGMA:TABLE: delta_sums (unit_code text, category text, measure text, period_kind text, period_start date, period_end date, delta numeric)';

    -- The values analysts read that change with them, where the period is published (ended, coverage at
    -- the threshold): the measures themselves, and scm_items where a count changed.
    CREATE TEMP TABLE delta_keys ON COMMIT DROP AS
    SELECT DISTINCT k.unit_code, k.category, k.measure, k.period_kind, k.period_start
    FROM (
        SELECT d.unit_code, d.category, d.measure, d.period_kind, d.period_start FROM delta_sums d
        WHERE d.measure <> 'scm_timed_count'
        UNION ALL
        SELECT d.unit_code, d.category, 'scm_items', d.period_kind, d.period_start FROM delta_sums d
        WHERE d.measure IN ('count', 'scm_timed_count')
    ) k
    JOIN marts.period_coverage pc ON (pc.category, pc.period_kind, pc.period_start) = (k.category, k.period_kind, k.period_start)
    WHERE pc.period_end < current_date
      AND pc.coverage >= v_threshold;
    PERFORM 'PRAGMA:TABLE: delta_keys (unit_code text, category text, measure text, period_kind text, period_start date)';

    ANALYZE delta_keys;
    -- Read one key at a time (a lateral lookup), so each branch of the view uses its indexes. OFFSET 0
    -- keeps the lookup a subquery per key: flattened into a join, it was planned as a merge join that
    -- derived all of marts.period_values (3.5 M rows, 47 s for 1,708 keys on the province 64 benchmark).
    CREATE TEMP TABLE delta_published_old ON COMMIT DROP AS
    SELECT k.*, v.period_end, v.value, v.value_since
    FROM delta_keys k
    CROSS JOIN LATERAL (
        SELECT pv.period_end, pv.value, pv.value_since FROM marts.period_values pv
        WHERE (pv.unit_code, pv.category, pv.measure, pv.period_kind, pv.period_start)
            = (k.unit_code, k.category, k.measure, k.period_kind, k.period_start)
        OFFSET 0
    ) v;
    ANALYZE delta_published_old;
    PERFORM 'PRAGMA:TABLE: delta_published_old (unit_code text, category text, measure text, period_kind text, period_start date, period_end date, value numeric, value_since timestamptz)';

    UPDATE marts.period_sums s
    SET value = s.value + d.delta, computed_at = now(), value_since = now()
    FROM delta_sums d
    WHERE (s.category, s.period_kind, s.period_start, s.unit_code, s.measure)
        = (d.category, d.period_kind, d.period_start, d.unit_code, d.measure);

    INSERT INTO marts.period_sums (unit_code, category, measure, period_kind, period_start, period_end, value, level_sum, computed_at, value_since)
    SELECT d.unit_code, d.category, d.measure, d.period_kind, d.period_start, d.period_end, d.delta, NULL, now(), now()
    FROM delta_sums d
    WHERE NOT EXISTS (SELECT 1 FROM marts.period_sums s
                      WHERE (s.category, s.period_kind, s.period_start, s.unit_code, s.measure)
                          = (d.category, d.period_kind, d.period_start, d.unit_code, d.measure));

    -- A sum back at zero has no facts left (facts are not negative): the view derives its zero or NULL.
    DELETE FROM marts.period_sums s
    USING delta_sums d
    WHERE (s.category, s.period_kind, s.period_start, s.unit_code, s.measure)
        = (d.category, d.period_kind, d.period_start, d.unit_code, d.measure)
      AND s.value = 0;

    INSERT INTO marts.period_values_history (
        unit_code, category, measure, period_kind, period_start, period_end, value, new_value,
        known_from, replaced_at, reason, window_id)
    SELECT o.unit_code, o.category, o.measure, o.period_kind, o.period_start, o.period_end, o.value, n.value,
           o.value_since, now(), p_reason, p_window_id
    FROM delta_published_old o
    LEFT JOIN LATERAL (
        SELECT pv.value FROM marts.period_values pv
        WHERE (pv.unit_code, pv.category, pv.measure, pv.period_kind, pv.period_start)
            = (o.unit_code, o.category, o.measure, o.period_kind, o.period_start)
        OFFSET 0   -- one key at a time, as above
    ) n ON true
    WHERE o.value IS DISTINCT FROM n.value;

    DROP TABLE delta_sums, delta_keys, delta_published_old;
END;
$fn$;

COMMENT ON FUNCTION marts.add_fact_deltas(boolean, text, bigint) IS 'Adds the fact changes of the temp table delta_taken to marts.period_sums for each fact''s unit and all its ancestors, in every ISO week, month, quarter and year of their days (with p_skip_touched, not those in the temp table refresh_touched), and records changed published values in marts.period_values_history with the reason and window given. Flows only. Part of marts.apply_fact_deltas and marts.refresh_periods.';
GRANT EXECUTE ON FUNCTION marts.add_fact_deltas(boolean, text, bigint) TO metrics_writer;
