CREATE VIEW marts.indicators AS
WITH
settings AS (
    SELECT
        (SELECT value::integer FROM ref.indicator_settings
          WHERE key = 'base_period' AND value ~ '^[0-9]{4}$') AS base_year,
        coalesce((SELECT value::numeric FROM ref.indicator_settings
                   WHERE key = 'coverage_threshold'), 0.95) AS coverage_threshold
),
-- Staff of the unit and all its active descendants, for per-FTE values of rolled-up units.
subtree_headcount AS (
    SELECT tree.ancestor_code AS unit_code, coalesce(sum(u.headcount) FILTER (WHERE u.active), 0) AS headcount
    FROM marts.unit_tree tree
    JOIN ref.units u ON u.code = tree.descendant_code
    GROUP BY tree.ancestor_code
),
-- Targets that may apply to a unit: scoped to the unit or an ancestor (distance = levels up), or global.
target_candidates AS (
    SELECT tree.descendant_code AS unit_code, t.target_id, t.category_pattern, t.scope_unit, t.base_period,
           t.reduction, t.public_source, tree.depth AS scope_distance
    FROM ref.targets t
    JOIN marts.unit_tree tree ON tree.ancestor_code = t.scope_unit
    UNION ALL
    SELECT u.code, t.target_id, t.category_pattern, t.scope_unit, t.base_period,
           t.reduction, t.public_source, NULL
    FROM ref.targets t
    CROSS JOIN ref.units u
    WHERE t.scope_unit IS NULL
),
-- The most specific target per unit and category: nearest scope first (the unit, its parent ... global),
-- then the exact category over its family pattern, then one set against our base year, then the newest.
best_target AS (
    SELECT DISTINCT ON (tc.unit_code, cat.category)
           tc.unit_code, cat.category, tc.category_pattern, tc.scope_unit, tc.base_period, tc.reduction, tc.public_source
    FROM target_candidates tc
    JOIN ref.categories cat
      ON tc.category_pattern = cat.category
      OR tc.category_pattern = split_part(cat.category, '.', 1) || '.*'
    CROSS JOIN settings s
    ORDER BY tc.unit_code, cat.category,
             tc.scope_distance NULLS LAST,
             (tc.category_pattern = cat.category) DESC,
             (tc.base_period = s.base_year::text) DESC,
             tc.target_id DESC
)
SELECT
    v.unit_code,
    u.name                                   AS unit_name,
    u.level                                  AS unit_level,
    v.category,
    cat.kind                                 AS category_kind,
    v.measure,
    v.period_kind,
    v.period_start,
    v.period_end,
    v.value,
    u.headcount,
    v.value / nullif(u.headcount, 0)         AS per_fte,
    hc.headcount                             AS subtree_headcount,
    v.value / nullif(hc.headcount, 0)        AS per_fte_subtree,
    base_period.start                        AS base_period_start,
    base_value.value                         AS base_value,
    CASE WHEN st.status = 'ok' THEN 1 - v.value / base_value.value END AS reduction,
    py.value                                 AS prior_year_value,
    CASE WHEN cmp.yoy_defined THEN v.value / py.value - 1 END AS yoy_change,
    pm.value                                 AS prior_month_value,
    CASE WHEN cmp.mom_defined THEN v.value / pm.value - 1 END AS mom_change,
    tgt.reduction                            AS target_reduction,
    tgt.public_source                        AS target_source,
    tgt.category_pattern                     AS target_category_pattern,
    tgt.scope_unit                           AS target_scope_unit,
    tgt.base_period                          AS target_base_period,
    CASE WHEN st.status = 'ok' AND tgt.base_period = s.base_year::text
         THEN (1 - v.value / base_value.value) / tgt.reduction END AS attainment,
    CASE WHEN st.status = 'ok' AND tgt.base_period = s.base_year::text
         THEN (1 - v.value / base_value.value) >= tgt.reduction END AS target_met,
    cov.coverage,
    base_cov.coverage                        AS base_coverage,
    s.coverage_threshold,
    coalesce(cov.missing_streams, '{}')      AS missing_streams,
    coalesce(base_cov.missing_streams, '{}') AS base_missing_streams,
    st.status,
    v.computed_at,
    base_period.prior_start                  AS prior_period_start,
    pp.value                                 AS prior_period_value,
    CASE WHEN cmp.pop_defined THEN v.value / pp.value - 1 END AS pop_change,
    v.value_since
FROM marts.period_values v
CROSS JOIN settings s
JOIN ref.categories cat ON cat.category = v.category
LEFT JOIN ref.units u ON u.code = v.unit_code
LEFT JOIN subtree_headcount hc ON hc.unit_code = v.unit_code
-- The comparison periods: the same season of the base year (same ISO week, month or quarter; the year),
-- the same season one year earlier, the previous month, the previous period of the same kind.
CROSS JOIN LATERAL (
    SELECT marts.season_start(v.period_kind, v.period_start, s.base_year) AS start,
           marts.season_start(v.period_kind, v.period_start, marts.period_year(v.period_kind, v.period_start) - 1) AS prior_year_start,
           marts.previous_period_start(v.period_kind, v.period_start) AS prior_start
    -- OFFSET 0 keeps the comparison starts columns of their own: pulled up into the join conditions, they
    -- turned the coverage lookups into merge joins that evaluated season_start per pair of rows (400 k
    -- calls and 14 s on the cookbook's small warehouse, instead of hash lookups in milliseconds).
    OFFSET 0
) base_period
LEFT JOIN marts.period_sums base
       ON (base.unit_code, base.category, base.measure, base.period_kind, base.period_start)
        = (v.unit_code, v.category, v.measure, v.period_kind, base_period.start)
LEFT JOIN marts.period_sums py_s
       ON (py_s.unit_code, py_s.category, py_s.measure, py_s.period_kind, py_s.period_start)
        = (v.unit_code, v.category, v.measure, v.period_kind, base_period.prior_year_start)
LEFT JOIN marts.period_sums pm_s
       ON (pm_s.unit_code, pm_s.category, pm_s.measure, pm_s.period_kind, pm_s.period_start)
        = (v.unit_code, v.category, v.measure, 'month', (v.period_start - interval '1 month')::date)
       AND v.period_kind = 'month'
LEFT JOIN marts.coverage_now cov
       ON (cov.category, cov.period_kind, cov.period_start) = (v.category, v.period_kind, v.period_start)
LEFT JOIN marts.coverage_now base_cov
       ON (base_cov.category, base_cov.period_kind, base_cov.period_start) = (v.category, v.period_kind, base_period.start)
LEFT JOIN marts.coverage_now py_cov
       ON (py_cov.category, py_cov.period_kind, py_cov.period_start) = (v.category, v.period_kind, base_period.prior_year_start)
LEFT JOIN marts.coverage_now pm_cov
       ON (pm_cov.category, pm_cov.period_kind, pm_cov.period_start) = (v.category, 'month', (v.period_start - interval '1 month')::date)
       AND v.period_kind = 'month'
LEFT JOIN marts.period_sums pp_s
       ON (pp_s.unit_code, pp_s.category, pp_s.measure, pp_s.period_kind, pp_s.period_start)
        = (v.unit_code, v.category, v.measure, v.period_kind, base_period.prior_start)
LEFT JOIN marts.coverage_now pp_cov
       ON (pp_cov.category, pp_cov.period_kind, pp_cov.period_start) = (v.category, v.period_kind, base_period.prior_start)
-- The comparison periods' values as marts.period_values reads them: the stored sum, else (an active unit,
-- a period its category was expected in) the value of a period without facts. Looked up in the stored
-- tables rather than joined with the view, which would derive every zero of the warehouse to find one.
CROSS JOIN LATERAL (
    SELECT CASE WHEN py_s.unit_code IS NOT NULL THEN py_s.value
                WHEN u.active THEN (SELECT marts.zero_value(cat.kind, v.measure, c.covered_cells, c.covered_days, c.last_covered_day)
                                    FROM marts.period_coverage c
                                    WHERE (c.category, c.period_kind, c.period_start) = (v.category, v.period_kind, base_period.prior_year_start)
                                      AND c.expected_cells > 0)
           END AS value
) py
CROSS JOIN LATERAL (
    SELECT CASE WHEN pm_s.unit_code IS NOT NULL THEN pm_s.value
                WHEN u.active AND v.period_kind = 'month' THEN (SELECT marts.zero_value(cat.kind, v.measure, c.covered_cells, c.covered_days, c.last_covered_day)
                                    FROM marts.period_coverage c
                                    WHERE (c.category, c.period_kind, c.period_start) = (v.category, 'month', (v.period_start - interval '1 month')::date)
                                      AND c.expected_cells > 0)
           END AS value
) pm
CROSS JOIN LATERAL (
    SELECT CASE WHEN pp_s.unit_code IS NOT NULL THEN pp_s.value
                WHEN u.active THEN (SELECT marts.zero_value(cat.kind, v.measure, c.covered_cells, c.covered_days, c.last_covered_day)
                                    FROM marts.period_coverage c
                                    WHERE (c.category, c.period_kind, c.period_start) = (v.category, v.period_kind, base_period.prior_start)
                                      AND c.expected_cells > 0)
           END AS value
) pp
LEFT JOIN best_target tgt ON (tgt.unit_code, tgt.category) = (v.unit_code, v.category)
-- A series with no row in a covered base period had no events then: its base is a real zero.
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN base.unit_code IS NOT NULL THEN base.value
               WHEN cat.kind = 'flow'  AND base_cov.covered_cells > 0 THEN 0
               -- a mean written as the refresh computes one (0 / days), like marts.zero_value
               WHEN cat.kind = 'stock' AND base_cov.covered_days > 0
               THEN CASE WHEN v.measure LIKE '%\_mean' THEN 0::numeric / base_cov.covered_days ELSE 0 END
           END AS value
) base_value
-- Why a number is or is not published; the first reason that applies wins.
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN v.period_end >= current_date THEN 'incomplete_period'
               WHEN base_value.value IS NULL OR coalesce(base_cov.covered_cells, 0) = 0 THEN 'no_base'
               WHEN coalesce(cov.coverage, 0) < s.coverage_threshold
                 OR coalesce(base_cov.coverage, 0) < s.coverage_threshold
                 OR v.value IS NULL THEN 'insufficient_coverage'   -- e.g. a stock with no complete day
               WHEN base_value.value = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) st
-- Changes against last year / last month follow the same rules: both periods ended and covered, a non-zero divisor.
CROSS JOIN LATERAL (
    SELECT st.status <> 'incomplete_period' AND coalesce(cov.coverage, 0) >= s.coverage_threshold
               AND coalesce(py_cov.coverage, 0) >= s.coverage_threshold AND py.value > 0
               AND v.value IS NOT NULL AS yoy_defined,
           st.status <> 'incomplete_period' AND coalesce(cov.coverage, 0) >= s.coverage_threshold
               AND coalesce(pm_cov.coverage, 0) >= s.coverage_threshold AND pm.value > 0
               AND v.value IS NOT NULL AS mom_defined,
           st.status <> 'incomplete_period' AND coalesce(cov.coverage, 0) >= s.coverage_threshold
               AND coalesce(pp_cov.coverage, 0) >= s.coverage_threshold AND pp.value > 0
               AND v.value IS NOT NULL AS pop_defined
) cmp
-- The cost-model basis measures are read through marts.burden_hours, not as indicators of their own.
WHERE v.measure NOT IN ('scm_own_minutes', 'scm_items');

COMMENT ON VIEW marts.indicators IS 'Burden indicators. Grain: one row per unit x category x measure x period (ISO week, calendar month, quarter or year). Values include the unit''s whole subtree. A number that cannot be published is NULL and status says why. The cost-model basis measures (scm_*) are read through marts.burden_hours.';
COMMENT ON COLUMN marts.indicators.unit_code IS 'Unit (ref.units.code); values include all its descendants.';
COMMENT ON COLUMN marts.indicators.unit_name IS 'Unit name from ref.units.';
COMMENT ON COLUMN marts.indicators.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.indicators.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.indicators.category_kind IS 'flow (summed over the period) or stock (period-end level; <measure>_mean = mean level).';
COMMENT ON COLUMN marts.indicators.measure IS 'Measure: count (events), pages, minutes, fields, active ...; <measure>_mean for the mean level of a stock.';
COMMENT ON COLUMN marts.indicators.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.indicators.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.indicators.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.indicators.value IS 'V: level in the measure''s unit (events, pages, minutes ...). Flow: sum over the period; stock: level on the last complete day, or mean level for <measure>_mean. NULL when nothing was covered.';
COMMENT ON COLUMN marts.indicators.headcount IS 'Staff of the unit itself (ref.units.headcount), FTE.';
COMMENT ON COLUMN marts.indicators.per_fte IS 'value / headcount of the unit itself: measure units per FTE (e.g. events per person). NULL when headcount is 0.';
COMMENT ON COLUMN marts.indicators.subtree_headcount IS 'Staff of the unit and all its active descendants, FTE.';
COMMENT ON COLUMN marts.indicators.per_fte_subtree IS 'value / subtree_headcount: measure units per FTE of everyone the rolled-up value covers. NULL when 0.';
COMMENT ON COLUMN marts.indicators.base_period_start IS 'First day of the base period: the same season of the base year (same ISO week number, month or quarter; the year for years); base year from ref.indicator_settings base_period. NULL for ISO week 53 when the base year has none.';
COMMENT ON COLUMN marts.indicators.base_value IS 'V(base), same unit as value. 0 when the base period was covered but the series had no events then; NULL when the base was not covered.';
COMMENT ON COLUMN marts.indicators.reduction IS 'R = 1 - value / base_value. Fraction: 0.30 = 30% fewer than the base, negative = more. NULL unless status = ok.';
COMMENT ON COLUMN marts.indicators.prior_year_value IS 'Value of the same season one year earlier (same ISO week number of the previous ISO year, same month or quarter, previous year), same unit as value.';
COMMENT ON COLUMN marts.indicators.yoy_change IS 'value / prior_year_value - 1. Fraction: -0.10 = 10% fewer than a year earlier. NULL when either period is unfinished or below the coverage threshold, or the prior value is 0 or missing.';
COMMENT ON COLUMN marts.indicators.prior_month_value IS 'Value of the previous month (month rows only), same unit as value.';
COMMENT ON COLUMN marts.indicators.mom_change IS 'value / prior_month_value - 1 (month rows only). Fraction: -0.10 = 10% fewer than the month before. NULL under the same conditions as yoy_change.';
COMMENT ON COLUMN marts.indicators.target_reduction IS 'Target reduction of the most specific ref.targets row (nearest scope, then exact category over family.*). Fraction: 0.30 = 30% fewer.';
COMMENT ON COLUMN marts.indicators.target_source IS 'Public programme the target comes from (ref.targets.public_source).';
COMMENT ON COLUMN marts.indicators.target_category_pattern IS 'category_pattern of the chosen target: the category itself or family.*.';
COMMENT ON COLUMN marts.indicators.target_scope_unit IS 'scope_unit of the chosen target; NULL = applies to every unit.';
COMMENT ON COLUMN marts.indicators.target_base_period IS 'Base period the chosen target was set against.';
COMMENT ON COLUMN marts.indicators.attainment IS 'reduction / target_reduction. Fraction: 1.0 = target exactly met, 0.5 = half way. NULL unless status = ok and the target''s base period is the configured base.';
COMMENT ON COLUMN marts.indicators.target_met IS 'reduction >= target_reduction; NULL when attainment is NULL.';
COMMENT ON COLUMN marts.indicators.coverage IS 'Coverage of the category in this period: pulled / expected (source, stream, day) cells, fraction 0..1.';
COMMENT ON COLUMN marts.indicators.base_coverage IS 'Coverage of the category in the base period, fraction 0..1.';
COMMENT ON COLUMN marts.indicators.coverage_threshold IS 'Minimum coverage of both periods for a published reduction (ref.indicator_settings coverage_threshold), fraction.';
COMMENT ON COLUMN marts.indicators.missing_streams IS 'Streams (source/stream) with expected days not pulled in this period.';
COMMENT ON COLUMN marts.indicators.base_missing_streams IS 'Streams (source/stream) with expected days not pulled in the base period.';
COMMENT ON COLUMN marts.indicators.status IS 'ok; incomplete_period (period not ended: end >= current_date); no_base (base period has no covered data); insufficient_coverage (current or base coverage below the threshold, see missing_streams); base_zero (base_value = 0). reduction and attainment are NULL unless ok.';
COMMENT ON COLUMN marts.indicators.computed_at IS 'UTC time the value was computed.';
COMMENT ON COLUMN marts.indicators.prior_period_start IS 'First day of the previous period of the same kind (the week, month, quarter or year before).';
COMMENT ON COLUMN marts.indicators.prior_period_value IS 'Value of the previous period of the same kind, same unit as value.';
COMMENT ON COLUMN marts.indicators.pop_change IS 'Period over period: value / prior_period_value - 1 (week over week, month over month, quarter over quarter, year over year for years). Fraction. NULL when either period is unfinished or below the coverage threshold, or the prior value is 0 or missing.';
COMMENT ON COLUMN marts.indicators.value_since IS 'UTC time the current value was first computed; see marts.restatements for values it replaced.';
GRANT SELECT ON marts.indicators TO metrics_analyst;
GRANT SELECT ON marts.indicators TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.indicators TO metrics_writer;
