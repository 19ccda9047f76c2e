-- The cron slot a scheduled run was fired for. Quartz keeps it on a recovered firing too (a job that a
-- dead node or a stopping one handed back runs again for the same slot), so "each scheduled fire ran
-- exactly once" is checkable from the ledger: one succeeded run per (source, scheduled_fire_time).
ALTER TABLE ops.runs ADD COLUMN scheduled_fire_time timestamptz NULL;
COMMENT ON COLUMN ops.runs.scheduled_fire_time IS
    'UTC time the cron schedule called for (Quartz ScheduledFireTimeUtc); NULL for run-once and backfill. A recovered run repeats the slot of the run it replaces.';
CREATE INDEX runs_source_scheduled_idx ON ops.runs (source, scheduled_fire_time) WHERE scheduled_fire_time IS NOT NULL;
