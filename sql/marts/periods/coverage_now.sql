-- Coverage as of now. A stored row is final once its period had ended when it was computed. If the period
-- ended later and no load refreshed it since, no stream of the category was pulled for the days after
-- expected_through (every load refreshes what it pulled), so those days count as expected and missing.
CREATE VIEW marts.coverage_now AS
SELECT pc.category, pc.period_kind, pc.period_start, pc.period_end,
       pc.expected_cells + coalesce(late.cells, 0) AS expected_cells,
       pc.covered_cells,
       CASE WHEN pc.expected_cells + coalesce(late.cells, 0) > 0
            THEN pc.covered_cells::numeric / (pc.expected_cells + coalesce(late.cells, 0)) END AS coverage,
       pc.covered_days,
       ARRAY(SELECT DISTINCT s FROM unnest(pc.missing_streams || coalesce(late.streams, '{}')) AS s ORDER BY s) AS missing_streams,
       pc.computed_at,
       cat.label_zh AS category_label_zh, cat.label_en AS category_label_en
FROM marts.period_coverage pc
LEFT JOIN ref.categories cat ON cat.category = pc.category
LEFT JOIN LATERAL (
    SELECT sum(d.days)::integer AS cells, array_agg(s.source || '/' || s.stream) AS streams
    FROM ref.streams s
    CROSS JOIN LATERAL (
        SELECT least(pc.period_end, current_date) - greatest(pc.expected_through + 1, s.history_from, pc.period_start) + 1 AS days
    ) d
    WHERE pc.expected_through < least(pc.period_end, current_date)
      AND s.active AND pc.category = ANY (s.categories)
      AND d.days > 0
) late ON true;

COMMENT ON VIEW marts.coverage_now IS 'marts.period_coverage brought up to today: days that became expected after the last refresh of a period count as expected and not pulled. Grain: category x period.';
COMMENT ON COLUMN marts.coverage_now.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.coverage_now.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.coverage_now.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.coverage_now.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.coverage_now.expected_cells IS 'Expected (source, stream, day) cells through min(period end, current_date). Cells.';
COMMENT ON COLUMN marts.coverage_now.covered_cells IS 'Expected cells pulled. Cells.';
COMMENT ON COLUMN marts.coverage_now.coverage IS 'covered_cells / expected_cells, fraction 0..1; NULL when nothing was expected.';
COMMENT ON COLUMN marts.coverage_now.covered_days IS 'Complete days (every expected stream pulled). Days.';
COMMENT ON COLUMN marts.coverage_now.missing_streams IS 'Streams with at least one expected day not pulled, as source/stream.';
COMMENT ON COLUMN marts.coverage_now.computed_at IS 'UTC time of the refresh that wrote the underlying row.';
COMMENT ON COLUMN marts.coverage_now.category_label_zh IS 'Chinese label of the category (ref.categories.label_zh).';
COMMENT ON COLUMN marts.coverage_now.category_label_en IS 'English label of the category (ref.categories.label_en).';
GRANT SELECT ON marts.coverage_now TO metrics_analyst;
GRANT SELECT ON marts.coverage_now TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.coverage_now TO metrics_writer;
