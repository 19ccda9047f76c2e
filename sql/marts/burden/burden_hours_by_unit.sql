CREATE VIEW marts.burden_hours_by_unit AS
WITH
per_unit AS (
    SELECT
        b.unit_code,
        b.unit_name,
        b.unit_level,
        b.period_kind,
        b.period_start,
        max(b.period_end)             AS period_end,
        sum(b.hours)                  AS hours,
        max(b.subtree_headcount)      AS subtree_headcount,
        max(b.working_hours_per_fte)  AS working_hours_per_fte,
        -- Only categories comparable with the base enter the index: both periods covered, a tariff.
        sum(b.hours) FILTER (WHERE b.status IN ('ok', 'base_zero'))                       AS comparable_hours,
        sum(b.base_hours) FILTER (WHERE b.status IN ('ok', 'base_zero'))                  AS base_hours,
        sum(b.index_weight * b.hours) FILTER (WHERE b.status IN ('ok', 'base_zero'))      AS weighted_hours,
        sum(b.index_weight * b.base_hours) FILTER (WHERE b.status IN ('ok', 'base_zero')) AS weighted_base_hours,
        bool_or(b.status = 'incomplete_period')                                            AS incomplete,
        coalesce(array_agg(b.category ORDER BY b.category) FILTER (WHERE b.status = 'insufficient_coverage'), '{}') AS insufficient_categories,
        coalesce(array_agg(b.category ORDER BY b.category) FILTER (WHERE b.status IN ('no_base', 'no_tariff')), '{}') AS excluded_categories
    FROM marts.burden_hours b
    -- Name and level are the unit's; grouped by, so that a filter on the level reaches marts.burden_hours.
    GROUP BY b.unit_code, b.unit_name, b.unit_level, b.period_kind, b.period_start
)
SELECT
    p.unit_code, p.unit_name, p.unit_level, p.period_kind, p.period_start, p.period_end,
    p.hours,
    p.subtree_headcount,
    p.hours / nullif(p.subtree_headcount, 0)                             AS hours_per_fte,
    p.working_hours_per_fte,
    p.hours / nullif(p.subtree_headcount * p.working_hours_per_fte, 0)   AS share_of_working_time,
    p.comparable_hours,
    p.base_hours,
    CASE WHEN st.status = 'ok' THEN 1 - p.comparable_hours / p.base_hours END AS reduction,
    CASE WHEN st.status = 'ok' THEN 100 * p.weighted_hours / p.weighted_base_hours END AS burden_index,
    p.insufficient_categories,
    p.excluded_categories,
    st.status,
    -- Labels for readers, appended so that queries reading columns by position keep working.
    sts.label_zh AS status_label_zh,
    sts.label_en AS status_label_en
FROM per_unit p
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN p.incomplete THEN 'incomplete_period'
               WHEN cardinality(p.insufficient_categories) > 0 THEN 'insufficient_coverage'
               WHEN p.weighted_base_hours IS NULL THEN 'no_base'
               WHEN p.weighted_base_hours = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) st
LEFT JOIN ref.statuses sts ON sts.code = st.status;

COMMENT ON VIEW marts.burden_hours_by_unit IS 'Burden hours of all categories together, and the composite burden index. Grain: unit x period (ISO week, month, quarter, year); the unit''s value includes its subtree. Rank townships with WHERE unit_level = ''township'' ORDER BY hours_per_fte DESC.';
COMMENT ON COLUMN marts.burden_hours_by_unit.unit_code IS 'Unit (ref.units.code); hours include all its descendants.';
COMMENT ON COLUMN marts.burden_hours_by_unit.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.burden_hours_by_unit.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.burden_hours_by_unit.period_kind IS 'week (ISO), month, quarter or year.';
COMMENT ON COLUMN marts.burden_hours_by_unit.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.burden_hours_by_unit.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.burden_hours_by_unit.hours IS 'Burden hours over every category with a tariff (marts.burden_hours.hours summed). Hours.';
COMMENT ON COLUMN marts.burden_hours_by_unit.subtree_headcount IS 'Staff of the unit and its active descendants, FTE.';
COMMENT ON COLUMN marts.burden_hours_by_unit.hours_per_fte IS 'hours / subtree_headcount. Hours per FTE.';
COMMENT ON COLUMN marts.burden_hours_by_unit.working_hours_per_fte IS 'Working hours of one FTE in the period. Hours.';
COMMENT ON COLUMN marts.burden_hours_by_unit.share_of_working_time IS 'hours / (subtree_headcount x working_hours_per_fte): fraction of working time (0.05 = 5%).';
COMMENT ON COLUMN marts.burden_hours_by_unit.comparable_hours IS 'Hours of the categories comparable with the base (status ok or base_zero in marts.burden_hours). Hours.';
COMMENT ON COLUMN marts.burden_hours_by_unit.base_hours IS 'Base-period hours of the same categories, at today''s tariffs. Hours.';
COMMENT ON COLUMN marts.burden_hours_by_unit.reduction IS '1 - comparable_hours / base_hours, fraction (0.30 = 30% fewer hours). NULL unless status = ok.';
COMMENT ON COLUMN marts.burden_hours_by_unit.burden_index IS 'Composite burden index: 100 x sum(weight x hours) / sum(weight x base hours) over the comparable categories; base period = 100, 70 = 30% less weighted burden. NULL unless status = ok.';
COMMENT ON COLUMN marts.burden_hours_by_unit.insufficient_categories IS 'Categories whose current or base coverage is below the threshold; any of them withholds the index.';
COMMENT ON COLUMN marts.burden_hours_by_unit.excluded_categories IS 'Categories left out of the index: no base (e.g. a source added after the base year) or no tariff.';
COMMENT ON COLUMN marts.burden_hours_by_unit.status IS 'ok; incomplete_period; insufficient_coverage (see insufficient_categories); no_base (no category comparable with the base); base_zero (weighted base hours 0).';
COMMENT ON COLUMN marts.burden_hours_by_unit.status_label_zh IS 'Chinese label of status (ref.statuses.label_zh).';
COMMENT ON COLUMN marts.burden_hours_by_unit.status_label_en IS 'English label of status (ref.statuses.label_en).';
GRANT SELECT ON marts.burden_hours_by_unit TO metrics_analyst;
GRANT SELECT ON marts.burden_hours_by_unit TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.burden_hours_by_unit TO metrics_writer;
