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
COMMENT ON COLUMN ops.source_freshness.source IS 'Source name (ref.sources.source).';
COMMENT ON COLUMN ops.source_freshness.provider IS 'postgres, mysql, sqlite or files.';
COMMENT ON COLUMN ops.source_freshness.expected_freshness IS 'The source''s ExpectedFreshness: how old its data may get before it is stale (interval).';
COMMENT ON COLUMN ops.source_freshness.data_as_of IS 'Oldest data_as_of of the source''s pulled streams (UTC).';
COMMENT ON COLUMN ops.source_freshness.lag IS 'now() - data_as_of (interval); NULL when no stream was ever pulled.';
COMMENT ON COLUMN ops.source_freshness.never_pulled IS 'True when some active stream of the source has never been pulled.';
COMMENT ON COLUMN ops.source_freshness.streams IS 'Active streams of the source. Streams.';
COMMENT ON COLUMN ops.source_freshness.stale_streams IS 'Active streams that are stale (ops.stream_freshness.stale). Streams.';
COMMENT ON COLUMN ops.source_freshness.stale IS 'True when any active stream is stale (older than expected_freshness, or never pulled).';
COMMENT ON COLUMN ops.source_freshness.last_success_at IS 'UTC end of the last run of the source in which every stream succeeded.';
COMMENT ON COLUMN ops.source_freshness.last_run_status IS 'Status of the source''s last finished run (succeeded or failed; ops.runs.status); NULL when no run finished yet.';
COMMENT ON COLUMN ops.source_freshness.last_run_finished_at IS 'UTC end of that run.';
COMMENT ON COLUMN ops.source_freshness.last_run_host IS 'Worker node (machine name) that ran it.';
COMMENT ON COLUMN ops.source_freshness.breaker_state IS 'Circuit breaker state as the last finished run left it, in the process that ran it (closed, half-open, open); live per-node values are the metric metrics_pipeline_breaker_state.';
GRANT SELECT ON ops.source_freshness TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON ops.source_freshness TO metrics_writer;
