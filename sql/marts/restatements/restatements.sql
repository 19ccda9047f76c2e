-- Published values that a later refresh replaced, with what the replacement did to the reduction against
-- the base period and to the status: "old" as published just before replaced_at, "new" right after it,
-- computed like marts.indicators (and marts.indicators_as_of at those two moments): the same season of the
-- base year, the base value and both coverages valid at that moment, the current base year and threshold.
-- Every lookup is by the row's key, so a query for one unit (the dashboards' panel) or the latest rows
-- reads only those rows' neighbours.
CREATE VIEW marts.restatements AS
WITH settings AS (
    SELECT (SELECT value::integer FROM ref.indicator_settings WHERE key = 'base_period' AND value ~ '^[0-9]{4}$') AS base_year,
           coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95) AS coverage_threshold
)
SELECT h.unit_code, u.name AS unit_name, h.category, h.measure, h.period_kind, h.period_start, h.period_end,
       h.value AS old_value, h.new_value,
       h.new_value - h.value AS change,
       CASE WHEN h.value <> 0 THEN h.new_value / h.value - 1 END AS relative_change,
       h.known_from, h.replaced_at, h.reason, h.window_id,
       bp.start AS base_period_start,
       old_base.value AS old_base_value,
       new_base.value AS new_base_value,
       CASE WHEN old_st.status = 'ok' THEN 1 - h.value / old_base.value END AS old_reduction,
       CASE WHEN new_st.status = 'ok' THEN 1 - h.new_value / new_base.value END AS new_reduction,
       old_st.status AS old_status,
       new_st.status AS new_status,
       cat.label_zh AS category_label_zh, cat.label_en AS category_label_en
FROM marts.period_values_history h
CROSS JOIN settings s
LEFT JOIN ref.units u ON u.code = h.unit_code
LEFT JOIN ref.categories cat ON cat.category = h.category
CROSS JOIN LATERAL (SELECT marts.season_start(h.period_kind, h.period_start, s.base_year) AS start) bp
-- The base period's value just before the replacement (a history row spanning that moment, else the current value).
LEFT JOIN LATERAL (
    SELECT x.value, true AS found FROM (
        SELECT b.value, 1 AS priority FROM marts.period_values_history b
        WHERE (b.unit_code, b.category, b.measure, b.period_kind, b.period_start) = (h.unit_code, h.category, h.measure, h.period_kind, bp.start)
          AND b.known_from < h.replaced_at AND b.replaced_at >= h.replaced_at
        UNION ALL
        SELECT v.value, 2 FROM marts.period_values v
        WHERE (v.unit_code, v.category, v.measure, v.period_kind, v.period_start) = (h.unit_code, h.category, h.measure, h.period_kind, bp.start)
          AND v.value_since < h.replaced_at
    ) x ORDER BY x.priority LIMIT 1
) old_base_row ON true
-- The base period's value right after the replacement (a history row spanning that moment, else the current value).
LEFT JOIN LATERAL (
    SELECT x.value, true AS found FROM (
        SELECT b.value, 1 AS priority FROM marts.period_values_history b
        WHERE (b.unit_code, b.category, b.measure, b.period_kind, b.period_start) = (h.unit_code, h.category, h.measure, h.period_kind, bp.start)
          AND b.known_from <= h.replaced_at AND b.replaced_at > h.replaced_at
        UNION ALL
        SELECT v.value, 2 FROM marts.period_values v
        WHERE (v.unit_code, v.category, v.measure, v.period_kind, v.period_start) = (h.unit_code, h.category, h.measure, h.period_kind, bp.start)
          AND v.value_since <= h.replaced_at
    ) x ORDER BY x.priority LIMIT 1
) new_base_row ON true
-- The coverage of the period and of its base period at both moments.
LEFT JOIN LATERAL (
    SELECT x.covered_cells, x.covered_cells::numeric / nullif(x.expected_cells, 0) AS coverage FROM (
        SELECT ch.covered_cells, ch.expected_cells, 1 AS priority FROM marts.period_coverage_history ch
        WHERE (ch.category, ch.period_kind, ch.period_start) = (h.category, h.period_kind, h.period_start)
          AND ch.known_from < h.replaced_at AND ch.replaced_at >= h.replaced_at
        UNION ALL
        SELECT pc.covered_cells, pc.expected_cells, 2 FROM marts.period_coverage pc
        WHERE (pc.category, pc.period_kind, pc.period_start) = (h.category, h.period_kind, h.period_start)
          AND pc.known_since < h.replaced_at
    ) x ORDER BY x.priority LIMIT 1
) old_cov ON true
LEFT JOIN LATERAL (
    SELECT x.covered_cells, x.covered_cells::numeric / nullif(x.expected_cells, 0) AS coverage FROM (
        SELECT ch.covered_cells, ch.expected_cells, 1 AS priority FROM marts.period_coverage_history ch
        WHERE (ch.category, ch.period_kind, ch.period_start) = (h.category, h.period_kind, h.period_start)
          AND ch.known_from <= h.replaced_at AND ch.replaced_at > h.replaced_at
        UNION ALL
        SELECT pc.covered_cells, pc.expected_cells, 2 FROM marts.period_coverage pc
        WHERE (pc.category, pc.period_kind, pc.period_start) = (h.category, h.period_kind, h.period_start)
          AND pc.known_since <= h.replaced_at
    ) x ORDER BY x.priority LIMIT 1
) new_cov ON true
LEFT JOIN LATERAL (
    SELECT x.covered_cells, x.covered_cells::numeric / nullif(x.expected_cells, 0) AS coverage FROM (
        SELECT ch.covered_cells, ch.expected_cells, 1 AS priority FROM marts.period_coverage_history ch
        WHERE (ch.category, ch.period_kind, ch.period_start) = (h.category, h.period_kind, bp.start)
          AND ch.known_from < h.replaced_at AND ch.replaced_at >= h.replaced_at
        UNION ALL
        SELECT pc.covered_cells, pc.expected_cells, 2 FROM marts.period_coverage pc
        WHERE (pc.category, pc.period_kind, pc.period_start) = (h.category, h.period_kind, bp.start)
          AND pc.known_since < h.replaced_at
    ) x ORDER BY x.priority LIMIT 1
) old_base_cov ON true
LEFT JOIN LATERAL (
    SELECT x.covered_cells, x.covered_cells::numeric / nullif(x.expected_cells, 0) AS coverage FROM (
        SELECT ch.covered_cells, ch.expected_cells, 1 AS priority FROM marts.period_coverage_history ch
        WHERE (ch.category, ch.period_kind, ch.period_start) = (h.category, h.period_kind, bp.start)
          AND ch.known_from <= h.replaced_at AND ch.replaced_at > h.replaced_at
        UNION ALL
        SELECT pc.covered_cells, pc.expected_cells, 2 FROM marts.period_coverage pc
        WHERE (pc.category, pc.period_kind, pc.period_start) = (h.category, h.period_kind, bp.start)
          AND pc.known_since <= h.replaced_at
    ) x ORDER BY x.priority LIMIT 1
) new_base_cov ON true
CROSS JOIN LATERAL (
    SELECT CASE WHEN old_base_row.found THEN old_base_row.value
                -- a series without a value in a pulled base period had no events then
                WHEN old_base_cov.covered_cells > 0 THEN 0
           END AS value
) old_base
CROSS JOIN LATERAL (
    SELECT CASE WHEN new_base_row.found THEN new_base_row.value
                -- a series without a value in a pulled base period had no events then
                WHEN new_base_cov.covered_cells > 0 THEN 0
           END AS value
) new_base
-- Why a reduction was or is not published, by the rules of marts.indicators; the first that applies wins.
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN h.period_end >= (h.replaced_at AT TIME ZONE current_setting('TimeZone'))::date THEN 'incomplete_period'
               WHEN old_base.value IS NULL OR coalesce(old_base_cov.covered_cells, 0) = 0 THEN 'no_base'
               WHEN coalesce(old_cov.coverage, 0) < s.coverage_threshold
                 OR coalesce(old_base_cov.coverage, 0) < s.coverage_threshold
                 OR h.value IS NULL THEN 'insufficient_coverage'
               WHEN old_base.value = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) old_st
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN h.period_end >= (h.replaced_at AT TIME ZONE current_setting('TimeZone'))::date THEN 'incomplete_period'
               WHEN new_base.value IS NULL OR coalesce(new_base_cov.covered_cells, 0) = 0 THEN 'no_base'
               WHEN coalesce(new_cov.coverage, 0) < s.coverage_threshold
                 OR coalesce(new_base_cov.coverage, 0) < s.coverage_threshold
                 OR h.new_value IS NULL THEN 'insufficient_coverage'
               WHEN new_base.value = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) new_st;

COMMENT ON VIEW marts.restatements IS 'Published values that were later changed (late, corrected or deleted source rows; org-tree changes), with the reduction against the base period and the status just before and right after the change. Grain: one row per replaced value. Order by replaced_at DESC for the latest. A restated base period also moves the reduction of later periods of its season, which have no row here: read them with marts.indicators_as_of.';
COMMENT ON COLUMN marts.restatements.unit_code IS 'Unit (ref.units.code); values include its subtree.';
COMMENT ON COLUMN marts.restatements.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.restatements.category IS 'Canonical category.';
COMMENT ON COLUMN marts.restatements.measure IS 'Measure (count, pages, minutes ...; scm_* are the cost-model basis).';
COMMENT ON COLUMN marts.restatements.period_kind IS 'week, month, quarter or year.';
COMMENT ON COLUMN marts.restatements.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.restatements.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.restatements.old_value IS 'The value published from known_from until replaced_at, in the measure''s unit.';
COMMENT ON COLUMN marts.restatements.new_value IS 'The value that replaced it (NULL: the row disappeared), same unit.';
COMMENT ON COLUMN marts.restatements.change IS 'new_value - old_value, in the measure''s unit.';
COMMENT ON COLUMN marts.restatements.relative_change IS 'new_value / old_value - 1, fraction; NULL when old_value is 0.';
COMMENT ON COLUMN marts.restatements.known_from IS 'UTC time the old value was first computed.';
COMMENT ON COLUMN marts.restatements.replaced_at IS 'UTC time of the refresh that replaced it.';
COMMENT ON COLUMN marts.restatements.reason IS 'Why: the load window that re-pulled the days, an org-tree change, or a manual refresh.';
COMMENT ON COLUMN marts.restatements.window_id IS 'ops.windows row of the load that caused it (NULL for a manual refresh).';
COMMENT ON COLUMN marts.restatements.base_period_start IS 'First day of the base period the reduction is measured against: the same season of the base year (ref.indicator_settings base_period), as in marts.indicators; the period itself for a base-year row.';
COMMENT ON COLUMN marts.restatements.old_base_value IS 'The base period''s value just before replaced_at, in the measure''s unit: 0 when the base was pulled and the series had no events; NULL when the base was not pulled.';
COMMENT ON COLUMN marts.restatements.new_base_value IS 'The base period''s value right after replaced_at (the same refresh may have restated it too), same unit.';
COMMENT ON COLUMN marts.restatements.old_reduction IS 'Reduction as published before: 1 - old_value / old_base_value. Fraction: 0.30 = 30% fewer than the base. NULL unless old_status = ok.';
COMMENT ON COLUMN marts.restatements.new_reduction IS 'Reduction after the change: 1 - new_value / new_base_value. Fraction. NULL unless new_status = ok.';
COMMENT ON COLUMN marts.restatements.old_status IS 'Status of the indicator just before replaced_at, by the rules of marts.indicators.status (ok, incomplete_period, no_base, insufficient_coverage, base_zero), with the coverage of the period and of its base valid then.';
COMMENT ON COLUMN marts.restatements.new_status IS 'Status right after replaced_at, same rules: e.g. ok -> insufficient_coverage when the change came with lost coverage.';
COMMENT ON COLUMN marts.restatements.category_label_zh IS 'Chinese label of the category (ref.categories.label_zh).';
COMMENT ON COLUMN marts.restatements.category_label_en IS 'English label of the category (ref.categories.label_en).';
GRANT SELECT ON marts.restatements TO metrics_analyst;
GRANT SELECT ON marts.restatements TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.restatements TO metrics_writer;
