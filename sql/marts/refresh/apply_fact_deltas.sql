-- The incremental refresh (V36): brings the marts of [p_from, p_to] up to date with the changes loads
-- recorded in ops.fact_deltas, instead of recomputing every unit's periods from facts. Its cost follows
-- the changes (their units and those units' ancestors), not the size of the tree or of the history.
-- Coverage is recomputed as in marts.refresh_periods (a category's coverage is small: streams x days).
-- Flow categories only (a stock's level depends on which days are complete); with a changed org tree
-- every period rolls up differently, and it hands over to marts.refresh_periods.
CREATE FUNCTION marts.apply_fact_deltas(p_from date, p_to date, p_categories text[])
RETURNS void
LANGUAGE plpgsql
SET jit = off
AS $fn$
DECLARE
    v_reason     text;
    v_window_id  bigint;
    v_leaf_from  date;
    v_leaf_to    date;
    v_stocks     text[];
BEGIN
    IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
        RAISE EXCEPTION 'marts.apply_fact_deltas: invalid day range [%, %]', p_from, p_to;
    END IF;
    IF p_categories IS NULL OR cardinality(p_categories) = 0 THEN
        RETURN;
    END IF;
    SELECT array_agg(c.category ORDER BY c.category) INTO v_stocks
    FROM ref.categories c WHERE c.category = ANY (p_categories) AND c.kind <> 'flow';
    IF v_stocks IS NOT NULL THEN
        RAISE EXCEPTION 'marts.apply_fact_deltas: % are not flows; a stock''s level is recomputed by marts.refresh_periods', v_stocks;
    END IF;

    -- The refresh lock of marts.refresh_periods: one refresh at a time.
    PERFORM pg_advisory_xact_lock(469786326131);

    IF EXISTS (SELECT * FROM marts.org_closure() EXCEPT SELECT * FROM marts.unit_tree)
       OR EXISTS (SELECT * FROM marts.unit_tree EXCEPT SELECT * FROM marts.org_closure()) THEN
        PERFORM marts.refresh_periods(p_from, p_to, p_categories);
        RETURN;
    END IF;

    SELECT c.reason, c.window_id INTO v_reason, v_window_id FROM marts.refresh_context() c;

    PERFORM marts.refresh_coverage_compute(p_from, p_to, p_categories);
    PERFORM 'PRAGMA:TABLE: refresh_touched (period_kind text, period_start date, period_end date)';
    SELECT min(period_start), max(period_end) INTO v_leaf_from, v_leaf_to
    FROM refresh_touched WHERE period_kind IN ('week', 'month');

    DROP TABLE IF EXISTS pg_temp.delta_taken;
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
    -- The same days a full refresh of the range would read (so nothing in them is left for it); a change a
    -- load commits after this statement stays queued for the next round.
    WITH taken AS (
        DELETE FROM ops.fact_deltas d
        WHERE d.category = ANY (p_categories) AND d.day BETWEEN v_leaf_from AND v_leaf_to
        RETURNING d.source, d.stream, d.day, d.unit_code, d.category, d.measure, d.delta
    )
    INSERT INTO delta_taken SELECT * FROM taken;

    -- The values published under the old coverage are read before it is replaced.
    PERFORM marts.add_fact_deltas(false, v_reason, v_window_id);
    PERFORM marts.refresh_coverage_apply(p_categories, v_reason, v_window_id);

    DROP TABLE delta_taken, refresh_touched, refresh_cells, refresh_cov_new, refresh_cov_old;

    PERFORM marts.refresh_signals(p_from, p_to);
END;
$fn$;

COMMENT ON FUNCTION marts.apply_fact_deltas(date, date, text[]) IS 'Incremental refresh of flow categories: takes the changes recorded in ops.fact_deltas for the weeks and months touching [p_from, p_to], adds them to marts.period_sums for the changed units and their ancestors in every period of their days (published values that change go to marts.period_values_history), recomputes the coverage of the touched periods and the signals. Hands over to marts.refresh_periods when the org tree changed. Called by marts.refresh_queued for loads that recorded their changes; serialized with marts.refresh_periods by pg_advisory_xact_lock(469786326131).';
GRANT EXECUTE ON FUNCTION marts.apply_fact_deltas(date, date, text[]) TO metrics_writer;
