CREATE VIEW marts.restatements AS
SELECT h.unit_code, u.name AS unit_name, h.category, h.measure, h.period_kind, h.period_start, h.period_end,
       h.value AS old_value, h.new_value,
       h.new_value - h.value AS change,
       CASE WHEN h.value <> 0 THEN h.new_value / h.value - 1 END AS relative_change,
       h.known_from, h.replaced_at, h.reason, h.window_id
FROM marts.period_values_history h
LEFT JOIN ref.units u ON u.code = h.unit_code;

COMMENT ON VIEW marts.restatements IS 'Published values that were later changed (late, corrected or deleted source rows; org-tree changes). Grain: one row per replaced value. Order by replaced_at DESC for the latest.';
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
GRANT SELECT ON marts.restatements TO metrics_analyst;
GRANT SELECT ON marts.restatements TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.restatements TO metrics_writer;
