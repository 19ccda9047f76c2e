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
COMMENT ON COLUMN ops.stream_freshness.source IS 'Source name (ref.sources.source).';
COMMENT ON COLUMN ops.stream_freshness.stream IS 'Stream name (ref.streams.stream).';
COMMENT ON COLUMN ops.stream_freshness.expected_freshness IS 'The source''s ExpectedFreshness (interval).';
COMMENT ON COLUMN ops.stream_freshness.last_covered_day IS 'Newest local day in ops.coverage; NULL when the stream was never pulled.';
COMMENT ON COLUMN ops.stream_freshness.last_pulled_at IS 'UTC time of the pull that covered last_covered_day; NULL when never pulled.';
COMMENT ON COLUMN ops.stream_freshness.data_as_of IS 'UTC time up to which the stream''s data is complete: the end of its last covered day, or the pull that covered that day if earlier.';
COMMENT ON COLUMN ops.stream_freshness.lag IS 'now() - data_as_of (interval); NULL when never pulled.';
COMMENT ON COLUMN ops.stream_freshness.stale IS 'True when lag exceeds the source''s expected_freshness or the stream was never pulled.';
GRANT SELECT ON ops.stream_freshness TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON ops.stream_freshness TO metrics_writer;
