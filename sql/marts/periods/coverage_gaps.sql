-- Days analysts cannot trust, as runs: an uncovered day is unknown, not zero. Until V43 this was
-- ops.coverage_gaps; it moved to marts so that analysts, who have no USAGE on ops, read it beside the
-- indicators it withholds (marts.coverage_now), and so that \dv ops.* as an analyst lists nothing.
CREATE VIEW marts.coverage_gaps AS
WITH
expected AS (
    SELECT s.source, s.stream, d::date AS day, c.day IS NOT NULL AS covered
    FROM ref.streams s
    CROSS JOIN LATERAL generate_series(s.history_from::timestamp, (current_date - 1)::timestamp, interval '1 day') AS d
    LEFT JOIN ops.coverage c ON (c.source, c.stream, c.day) = (s.source, s.stream, d::date)
    WHERE s.active
),
-- Gaps and islands: consecutive missing days share (day - row number).
missing AS (
    SELECT source, stream, day, day - (row_number() OVER (PARTITION BY source, stream ORDER BY day))::integer AS island
    FROM expected
    WHERE NOT covered
)
SELECT source, stream, min(day) AS first_day, max(day) AS last_day, count(*)::integer AS days
FROM missing
GROUP BY source, stream, island;

COMMENT ON VIEW marts.coverage_gaps IS 'Runs of consecutive days an active stream was expected (from its history_from through yesterday) but not pulled. Grain: one row per stream and gap. Fill a gap with backfill --from first_day --to last_day --source source.';
COMMENT ON COLUMN marts.coverage_gaps.source IS 'Source name (ref.sources.source).';
COMMENT ON COLUMN marts.coverage_gaps.stream IS 'Stream name (ref.streams.stream); its categories (ref.streams.categories) are the indicators the gap holds back.';
COMMENT ON COLUMN marts.coverage_gaps.first_day IS 'First missing local day.';
COMMENT ON COLUMN marts.coverage_gaps.last_day IS 'Last missing local day.';
COMMENT ON COLUMN marts.coverage_gaps.days IS 'Missing days in the run. Days.';
GRANT SELECT ON marts.coverage_gaps TO metrics_analyst;
GRANT SELECT ON marts.coverage_gaps TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.coverage_gaps TO metrics_writer;
