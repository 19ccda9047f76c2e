-- Source health: expected freshness per source and the breaker state each run left behind. The freshness
-- views that status, the metrics endpoint and dashboards read (ops.stream_freshness, ops.source_freshness),
-- released with this file, are defined in the SQL layer (sql/layers.txt), which migrate applies after the
-- versioned files.

-- The configured sources, synced from configuration at the start of every run (like ref.streams).
CREATE TABLE ref.sources (
    source              text        PRIMARY KEY,
    provider            text        NOT NULL,
    time_zone           text        NOT NULL,
    schedule            text        NOT NULL,
    expected_freshness  interval    NOT NULL,
    active              boolean     NOT NULL DEFAULT true,
    synced_at           timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ref.sources IS 'Configured sources. Grain: one row per source ever configured; active=false once removed from configuration.';
COMMENT ON COLUMN ref.sources.schedule IS 'Quartz cron expression (seconds first), evaluated in time_zone.';
COMMENT ON COLUMN ref.sources.expected_freshness IS 'ExpectedFreshness: how old the newest covered data may get before the source is flagged stale.';

ALTER TABLE ops.runs ADD COLUMN breaker_state text NULL CHECK (breaker_state IN ('closed', 'half-open', 'open'));
COMMENT ON COLUMN ops.runs.breaker_state IS 'State of the source''s circuit breaker in the process that ran it, when the run finished: closed, half-open or open (failing windows at once). NULL before the breaker existed.';
CREATE INDEX runs_source_finished_idx ON ops.runs (source, finished_at DESC);
