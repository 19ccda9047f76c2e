-- V36: a load that re-pulls days records what it changed, so the refresh rolls up only that.
--
-- Until V35 every refresh recomputed the touched periods (the week, month, quarter and year of each
-- re-pulled day) for every unit of the tree from the facts: a service round after one window of one source
-- aggregated a month of facts of the whole province. Now a load that replaces facts records the difference
-- per fact (ops.fact_deltas) and marks its queue row; marts.apply_fact_deltas adds those differences to the
-- stored sums of the units and their ancestors. A backfill into empty days records nothing and is
-- recomputed from facts as before; so is a batch with too many changes, a stock category, or a changed org
-- tree. A full refresh consumes the deltas of the days it reads, in the statement that reads the facts.
CREATE TABLE ops.fact_deltas (
    source      text        NOT NULL,
    stream      text        NOT NULL,
    day         date        NOT NULL,
    unit_code   text        NOT NULL,
    category    text        NOT NULL,
    measure     text        NOT NULL,
    delta       numeric     NOT NULL,
    window_id   bigint      NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fact_deltas_category_day_idx ON ops.fact_deltas (category, day);

COMMENT ON TABLE ops.fact_deltas IS 'Changes of facts.daily not yet rolled up into the marts: one row per fact a load inserted, changed or deleted while re-pulling days that held facts. Written in the load transaction, consumed by the next refresh (marts.apply_fact_deltas, or marts.refresh_periods for the days it recomputes). Empty when the marts are current.';
COMMENT ON COLUMN ops.fact_deltas.source IS 'Source of the fact (facts.daily.source).';
COMMENT ON COLUMN ops.fact_deltas.stream IS 'Stream of the fact (facts.daily.stream).';
COMMENT ON COLUMN ops.fact_deltas.day IS 'Local day of the fact.';
COMMENT ON COLUMN ops.fact_deltas.unit_code IS 'Unit of the fact (ref.units.code).';
COMMENT ON COLUMN ops.fact_deltas.category IS 'Canonical category of the fact.';
COMMENT ON COLUMN ops.fact_deltas.measure IS 'Measure of the fact (count, pages, minutes ...).';
COMMENT ON COLUMN ops.fact_deltas.delta IS 'New value minus old value, in the measure''s unit: the new value for an inserted fact, minus the old one for a deleted fact.';
COMMENT ON COLUMN ops.fact_deltas.window_id IS 'ops.windows row of the load that made the change.';
COMMENT ON COLUMN ops.fact_deltas.recorded_at IS 'UTC time of the load''s transaction.';
GRANT SELECT, INSERT, DELETE ON ops.fact_deltas TO metrics_writer;

ALTER TABLE ops.indicator_refresh_queue ADD COLUMN deltas boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN ops.indicator_refresh_queue.deltas IS 'true: the load recorded each fact it changed in ops.fact_deltas, and the refresh adds those changes up the tree; false: the days are recomputed from facts (a backfill into empty days).';
