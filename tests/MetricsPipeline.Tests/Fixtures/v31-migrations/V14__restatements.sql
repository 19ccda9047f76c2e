-- V14: reading the restatement history written by marts.refresh_periods (V10).
--
--   marts.restatements        one row per published value that changed: old value, new value, when, why
--   marts.indicators_as_of()  the indicators as they were published at a given time ("what did we report
--                             on 1 March?"): the values and coverage valid then, the status rules of
--                             marts.indicators evaluated on that day.

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

-- A single SQL statement, so the planner inlines it and the optional filters reach the indexes.
CREATE FUNCTION marts.indicators_as_of(p_at timestamptz, p_unit text DEFAULT NULL, p_category text DEFAULT NULL,
                                       p_period_kind text DEFAULT NULL)
RETURNS TABLE (
    unit_code          text,
    category           text,
    measure            text,
    period_kind        text,
    period_start       date,
    period_end         date,
    value              numeric,
    value_known_from   timestamptz,
    value_restated     boolean,
    base_period_start  date,
    base_value         numeric,
    reduction          numeric,
    coverage           numeric,
    base_coverage      numeric,
    status             text
)
LANGUAGE sql STABLE
AS $fn$
    WITH
    settings AS (
        SELECT
            (SELECT value::integer FROM ref.indicator_settings
              WHERE key = 'base_period' AND value ~ '^[0-9]{4}$') AS base_year,
            coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95) AS coverage_threshold
    ),
    -- Values valid at p_at: the current row if it was already known then, else the history row spanning p_at.
    values_then AS (
        SELECT v.unit_code, v.category, v.measure, v.period_kind, v.period_start, v.period_end, v.value,
               v.value_since AS known_from, false AS restated
        FROM marts.period_values v
        WHERE v.value_since <= p_at
          AND (p_unit IS NULL OR v.unit_code = p_unit)
          AND (p_category IS NULL OR v.category = p_category)
        UNION ALL
        SELECT h.unit_code, h.category, h.measure, h.period_kind, h.period_start, h.period_end, h.value,
               h.known_from, true
        FROM marts.period_values_history h
        WHERE h.known_from <= p_at AND h.replaced_at > p_at
          AND (p_unit IS NULL OR h.unit_code = p_unit)
          AND (p_category IS NULL OR h.category = p_category)
    ),
    coverage_then AS (
        SELECT c.category, c.period_kind, c.period_start, c.expected_cells, c.covered_cells
        FROM marts.period_coverage c
        WHERE c.known_since <= p_at
        UNION ALL
        SELECT h.category, h.period_kind, h.period_start, h.expected_cells, h.covered_cells
        FROM marts.period_coverage_history h
        WHERE h.known_from <= p_at AND h.replaced_at > p_at
    )
    SELECT v.unit_code, v.category, v.measure, v.period_kind, v.period_start, v.period_end, v.value,
           v.known_from, v.restated, bp.start, base_value.value,
           CASE WHEN st.status = 'ok' THEN 1 - v.value / base_value.value END,
           cov.covered_cells::numeric / nullif(cov.expected_cells, 0),
           base_cov.covered_cells::numeric / nullif(base_cov.expected_cells, 0),
           st.status
    FROM values_then v
    CROSS JOIN settings s
    JOIN ref.categories cat ON cat.category = v.category
    CROSS JOIN LATERAL (SELECT marts.season_start(v.period_kind, v.period_start, s.base_year) AS start) bp
    LEFT JOIN values_then base
           ON (base.unit_code, base.category, base.measure, base.period_kind, base.period_start)
            = (v.unit_code, v.category, v.measure, v.period_kind, bp.start)
    LEFT JOIN coverage_then cov
           ON (cov.category, cov.period_kind, cov.period_start) = (v.category, v.period_kind, v.period_start)
    LEFT JOIN coverage_then base_cov
           ON (base_cov.category, base_cov.period_kind, base_cov.period_start) = (v.category, v.period_kind, bp.start)
    CROSS JOIN LATERAL (
        SELECT CASE
                   WHEN base.unit_code IS NOT NULL THEN base.value
                   WHEN cat.kind = 'flow' AND base_cov.covered_cells > 0 THEN 0
               END AS value
    ) base_value
    CROSS JOIN LATERAL (
        SELECT CASE
                   WHEN v.period_end >= (p_at AT TIME ZONE current_setting('TimeZone'))::date THEN 'incomplete_period'
                   WHEN base_value.value IS NULL OR coalesce(base_cov.covered_cells, 0) = 0 THEN 'no_base'
                   WHEN coalesce(cov.covered_cells::numeric / nullif(cov.expected_cells, 0), 0) < s.coverage_threshold
                     OR coalesce(base_cov.covered_cells::numeric / nullif(base_cov.expected_cells, 0), 0) < s.coverage_threshold
                     OR v.value IS NULL THEN 'insufficient_coverage'
                   WHEN base_value.value = 0 THEN 'base_zero'
                   ELSE 'ok'
               END AS status
    ) st
    WHERE (p_period_kind IS NULL OR v.period_kind = p_period_kind)
      AND v.measure NOT IN ('scm_own_minutes', 'scm_items')
$fn$;

COMMENT ON FUNCTION marts.indicators_as_of(timestamptz, text, text, text) IS
'The indicators as published at p_at ("what did we report on 1 March?"): for each unit, category, measure and period, the value and coverage valid at that time (current rows known by then, else marts.period_values_history / marts.period_coverage_history), the base value valid then, and the status rules of marts.indicators evaluated on that day. Values: measure units; reduction and coverage: fractions. value_restated = the value has been replaced since. Optional filters: unit, category, period kind. Periods still running at p_at were not kept and show as published only if unchanged since.';
