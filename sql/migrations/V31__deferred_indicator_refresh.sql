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
--
-- This file keeps the queue. The functions released with it (that marts.refresh_periods, the new
-- marts.refresh_queued, and marts.refresh_signals with enable_nestloop off) are defined in the SQL layer
-- (sql/layers.txt), which migrate applies after the versioned files.

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
