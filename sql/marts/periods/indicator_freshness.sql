CREATE VIEW marts.indicator_freshness AS
SELECT cat.category,
       cat.kind,
       max(pc.computed_at)                                           AS last_computed_at,
       now() - max(pc.computed_at)                                   AS age,
       max(pc.last_covered_day)                                      AS last_covered_day,
       max(pc.period_start) FILTER (WHERE pc.period_kind = 'month')  AS latest_month,
       cat.label_zh                                                  AS category_label_zh,
       cat.label_en                                                  AS category_label_en
FROM ref.categories cat
LEFT JOIN marts.period_coverage pc ON pc.category = cat.category
GROUP BY cat.category, cat.kind, cat.label_zh, cat.label_en;

COMMENT ON VIEW marts.indicator_freshness IS 'When each category''s indicators were last recomputed. Grain: one row per category in ref.categories; NULLs = never refreshed.';
COMMENT ON COLUMN marts.indicator_freshness.category IS 'Canonical category.';
COMMENT ON COLUMN marts.indicator_freshness.kind IS 'flow or stock.';
COMMENT ON COLUMN marts.indicator_freshness.last_computed_at IS 'UTC time of the latest refresh that touched the category (max computed_at).';
COMMENT ON COLUMN marts.indicator_freshness.age IS 'now() - last_computed_at (interval).';
COMMENT ON COLUMN marts.indicator_freshness.last_covered_day IS 'Latest complete day (every expected stream pulled) seen by any refresh of the category.';
COMMENT ON COLUMN marts.indicator_freshness.latest_month IS 'First day of the latest month with computed values.';
COMMENT ON COLUMN marts.indicator_freshness.category_label_zh IS 'Chinese label of the category (ref.categories.label_zh).';
COMMENT ON COLUMN marts.indicator_freshness.category_label_en IS 'English label of the category (ref.categories.label_en).';
GRANT SELECT ON marts.indicator_freshness TO metrics_analyst;
GRANT SELECT ON marts.indicator_freshness TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.indicator_freshness TO metrics_writer;
