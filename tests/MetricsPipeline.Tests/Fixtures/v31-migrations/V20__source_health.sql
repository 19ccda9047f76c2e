-- Source health: expected freshness per source, the breaker state each run left behind, and the
-- freshness views that status, the metrics endpoint and dashboards read.

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

CREATE VIEW ops.stream_freshness AS
SELECT s.source, s.stream, src.expected_freshness,
       c.day AS last_covered_day, c.pulled_at AS last_pulled_at, a.data_as_of,
       now() - a.data_as_of AS lag,
       (a.data_as_of IS NULL OR now() - a.data_as_of > src.expected_freshness) AS stale
FROM ref.streams s
JOIN ref.sources src ON src.source = s.source
LEFT JOIN LATERAL (SELECT c.day, c.pulled_at FROM ops.coverage c
                   WHERE c.source = s.source AND c.stream = s.stream ORDER BY c.day DESC LIMIT 1) c ON true
-- Data is complete up to the end of the last covered day, or up to the pull that covered it if that came first.
CROSS JOIN LATERAL (SELECT least(CAST(c.day + 1 AS timestamp) AT TIME ZONE s.time_zone, c.pulled_at) AS data_as_of) a
WHERE s.active AND src.active;
COMMENT ON VIEW ops.stream_freshness IS 'Freshness of each active stream. Grain: one row per active source and stream.';
COMMENT ON COLUMN ops.stream_freshness.last_covered_day IS 'Newest local day in ops.coverage; NULL when the stream was never pulled.';
COMMENT ON COLUMN ops.stream_freshness.data_as_of IS 'UTC time up to which the stream''s data is complete: the end of its last covered day, or the pull that covered that day if earlier.';
COMMENT ON COLUMN ops.stream_freshness.lag IS 'now() - data_as_of.';
COMMENT ON COLUMN ops.stream_freshness.stale IS 'True when lag exceeds the source''s expected_freshness or the stream was never pulled.';

CREATE VIEW ops.source_freshness AS
WITH streams AS (
    SELECT source, count(*) AS streams, count(*) FILTER (WHERE stale) AS stale_streams,
           bool_or(last_covered_day IS NULL) AS never_pulled, min(data_as_of) AS data_as_of
    FROM ops.stream_freshness GROUP BY source)
SELECT src.source, src.provider, src.expected_freshness,
       st.data_as_of, now() - st.data_as_of AS lag,
       COALESCE(st.never_pulled, true) AS never_pulled,
       COALESCE(st.streams, 0) AS streams, COALESCE(st.stale_streams, 0) AS stale_streams,
       COALESCE(st.stale_streams > 0, true) AS stale,
       ok.finished_at AS last_success_at,
       lr.status AS last_run_status, lr.finished_at AS last_run_finished_at, lr.host AS last_run_host, lr.breaker_state
FROM ref.sources src
LEFT JOIN streams st ON st.source = src.source
LEFT JOIN LATERAL (SELECT r.finished_at FROM ops.runs r
                   WHERE r.source = src.source AND r.status = 'succeeded' AND r.finished_at IS NOT NULL
                   ORDER BY r.finished_at DESC LIMIT 1) ok ON true
LEFT JOIN LATERAL (SELECT r.status, r.finished_at, r.host, r.breaker_state FROM ops.runs r
                   WHERE r.source = src.source AND r.finished_at IS NOT NULL
                   ORDER BY r.finished_at DESC LIMIT 1) lr ON true
WHERE src.active;
COMMENT ON VIEW ops.source_freshness IS 'Health of each active source: freshness (its stalest stream counts), last success, last run and the breaker state it left. Grain: one row per active source.';
COMMENT ON COLUMN ops.source_freshness.data_as_of IS 'Oldest data_as_of of the source''s pulled streams (UTC).';
COMMENT ON COLUMN ops.source_freshness.never_pulled IS 'True when some active stream of the source has never been pulled.';
COMMENT ON COLUMN ops.source_freshness.stale IS 'True when any active stream is stale (older than expected_freshness, or never pulled).';
COMMENT ON COLUMN ops.source_freshness.last_success_at IS 'UTC end of the last run of the source in which every stream succeeded.';
COMMENT ON COLUMN ops.source_freshness.breaker_state IS 'Circuit breaker state as the last finished run left it, in the process that ran it (closed, half-open, open); live per-node values are the metric metrics_pipeline_breaker_state.';
