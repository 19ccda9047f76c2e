-- Why the values a refresh writes may change, as restatement history records it: the loads that queued the
-- refresh (marts.refresh_queued sets metrics.refresh_reason / metrics.refresh_window_id for each range it
-- refreshes), else the load window written in the calling transaction, else a manual refresh.
CREATE FUNCTION marts.refresh_context(OUT reason text, OUT window_id bigint)
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
    v_reason     text;
    v_window_id  bigint;
BEGIN
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
    reason := coalesce(v_reason, 'manual refresh (marts.refresh_periods called outside a load)');
    window_id := v_window_id;
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_context() IS 'Returns reason (text) and window_id (ops.windows row, may be NULL): why a refresh changes values and which load, as restatement history records them. Sources: the settings metrics.refresh_reason and metrics.refresh_window_id (set by marts.refresh_queued), else the last ops.windows row written by the calling transaction, else "manual refresh".';
GRANT EXECUTE ON FUNCTION marts.refresh_context() TO metrics_writer;
