CREATE FUNCTION marts.refresh_queued()
RETURNS TABLE (day_from date, day_to date, categories text[], loads integer)
LANGUAGE plpgsql
AS $fn$
DECLARE
    r record;
    v_days bigint;
    v_flows text[];
    v_stocks text[];
    -- Above this many recorded changes in a range (a re-pulled backfill, a first large file), recomputing
    -- the range from facts costs less than adding each change up the tree.
    c_max_deltas constant integer := 200000;
BEGIN
    -- The refresh lock first, then the queue: rows are taken by exactly one drainer, and a load that
    -- commits meanwhile stays queued for the next one.
    PERFORM pg_advisory_xact_lock(469786326131);

    DROP TABLE IF EXISTS pg_temp.refresh_batch;
    CREATE TEMP TABLE refresh_batch (LIKE ops.indicator_refresh_queue) ON COMMIT DROP;
    -- plpgsql_check pragma: declares the temp table to the static check, which cannot see tables created at
    -- run time. At run time it is a constant string PERFORM: it needs no extension and does nothing.
    PERFORM 'PRAGMA:TABLE: refresh_batch (LIKE ops.indicator_refresh_queue)';
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
               bool_and(i.deltas) AS deltas,
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
        -- Loads that recorded their changes are rolled up by those changes (flows), unless there are so
        -- many that recomputing the periods from facts is cheaper; a range with a backfill into empty
        -- days is recomputed from facts, as is every stock (its level depends on which days are complete).
        SELECT array_agg(c.category ORDER BY c.category) FILTER (WHERE c.kind = 'flow'),
               array_agg(c.category ORDER BY c.category) FILTER (WHERE c.kind <> 'flow')
        INTO v_flows, v_stocks
        FROM ref.categories c WHERE c.category = ANY (r.categories);
        IF r.deltas AND v_flows IS NOT NULL
           AND (SELECT count(*) FROM (SELECT 1 FROM ops.fact_deltas d
                                      WHERE d.category = ANY (v_flows) AND d.day BETWEEN r.day_from AND r.day_to
                                      LIMIT c_max_deltas + 1) x) <= c_max_deltas THEN
            IF v_stocks IS NOT NULL THEN
                PERFORM marts.refresh_periods(r.day_from, r.day_to, v_stocks);
            END IF;
            PERFORM marts.apply_fact_deltas(r.day_from, r.day_to, v_flows);
        ELSE
            PERFORM marts.refresh_periods(r.day_from, r.day_to, r.categories);
        END IF;
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

COMMENT ON FUNCTION marts.refresh_queued() IS 'Drains ops.indicator_refresh_queue: takes the refresh lock, removes every queued row, merges overlapping or adjacent day ranges and refreshes each merged range once for the union of its categories: by the changes the loads recorded (marts.apply_fact_deltas, flows) where every load of the range recorded them and they are not too many (200,000), else from facts (marts.refresh_periods). Returns one row per refreshed range: day_from and day_to (local days), categories, loads (number of queued loads merged). Run by run-once and backfill at the end of a run and by the service every Pipeline:Indicators:RefreshInterval; safe to run by hand (SELECT * FROM marts.refresh_queued()).';
GRANT EXECUTE ON FUNCTION marts.refresh_queued() TO metrics_writer;
