-- V11: indicators for every period kind (ISO week, month, quarter, year), the day level, and rolling
-- 12-month totals.
--
--   marts.indicators        now also for weeks and quarters: the base is the same season of the base year
--                           (same ISO week number, month or quarter; the year itself), year over year is the
--                           same season one year earlier, and pop_change compares with the previous period
--                           of the same kind (week over week, month over month, quarter over quarter).
--   marts.weekly_indicators, marts.quarterly_indicators   filters like the yearly and monthly ones.
--   marts.daily_values      the day level, rolled up the tree on read (not stored: ~4x facts.daily).
--   marts.rolling_12_months flows summed over the 12 months ending with each month (season removed),
--                           compared with the base year and with the 12 months a year earlier.

-- ---------------------------------------------------------------------------------------------------
-- Calendar helpers
-- ---------------------------------------------------------------------------------------------------

-- The ISO year of a week (a week belongs to the year holding its Thursday), else the calendar year.
CREATE FUNCTION marts.period_year(p_kind text, p_start date)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT CASE WHEN p_kind = 'week' THEN extract(isoyear FROM p_start)::integer
                ELSE extract(year FROM p_start)::integer END
$fn$;

COMMENT ON FUNCTION marts.period_year(text, date) IS 'Year a period belongs to: the ISO year for weeks (the year of its Thursday), the calendar year otherwise.';

-- The start of the period of the same kind and season in another year: the same ISO week number (NULL
-- when that year has no week 53), the same month, the same quarter, or the year itself.
CREATE FUNCTION marts.season_start(p_kind text, p_start date, p_year integer)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT CASE p_kind
        WHEN 'week' THEN
            CASE WHEN extract(week FROM p_start) <= extract(week FROM make_date(p_year, 12, 28))   -- weeks in p_year
                 -- Monday of ISO week 1 is the Monday on or before 4 January; then whole weeks on.
                 THEN make_date(p_year, 1, 4) - (extract(isodow FROM make_date(p_year, 1, 4))::integer - 1)
                      + 7 * (extract(week FROM p_start)::integer - 1)
            END
        WHEN 'month'   THEN make_date(p_year, extract(month FROM p_start)::integer, 1)
        WHEN 'quarter' THEN make_date(p_year, extract(month FROM p_start)::integer, 1)
        WHEN 'year'    THEN make_date(p_year, 1, 1)
    END
$fn$;

COMMENT ON FUNCTION marts.season_start(text, date, integer) IS 'First day of the period of the same kind and season in year p_year: same ISO week number (NULL if that ISO year has no week 53), month, quarter, or the year.';

CREATE FUNCTION marts.previous_period_start(p_kind text, p_start date)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT CASE p_kind
        WHEN 'week'    THEN p_start - 7
        WHEN 'month'   THEN (p_start - interval '1 month')::date
        WHEN 'quarter' THEN (p_start - interval '3 months')::date
        WHEN 'year'    THEN (p_start - interval '1 year')::date
    END
$fn$;

COMMENT ON FUNCTION marts.previous_period_start(text, date) IS 'First day of the previous period of the same kind (week, month, quarter, year).';

-- ---------------------------------------------------------------------------------------------------
-- marts.indicators for every period kind (columns of V6 unchanged, new ones at the end)
-- ---------------------------------------------------------------------------------------------------

CREATE OR REPLACE VIEW marts.indicators AS
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
) base_period
LEFT JOIN marts.period_values base
       ON (base.unit_code, base.category, base.measure, base.period_kind, base.period_start)
        = (v.unit_code, v.category, v.measure, v.period_kind, base_period.start)
LEFT JOIN marts.period_values py
       ON (py.unit_code, py.category, py.measure, py.period_kind, py.period_start)
        = (v.unit_code, v.category, v.measure, v.period_kind, base_period.prior_year_start)
LEFT JOIN marts.period_values pm
       ON (pm.unit_code, pm.category, pm.measure, pm.period_kind, pm.period_start)
        = (v.unit_code, v.category, v.measure, 'month', (v.period_start - interval '1 month')::date)
       AND v.period_kind = 'month'
LEFT JOIN marts.coverage_now cov
       ON (cov.category, cov.period_kind, cov.period_start) = (v.category, v.period_kind, v.period_start)
LEFT JOIN marts.coverage_now base_cov
       ON (base_cov.category, base_cov.period_kind, base_cov.period_start) = (v.category, v.period_kind, base_period.start)
LEFT JOIN marts.coverage_now py_cov
       ON (py_cov.category, py_cov.period_kind, py_cov.period_start) = (py.category, py.period_kind, py.period_start)
LEFT JOIN marts.coverage_now pm_cov
       ON (pm_cov.category, pm_cov.period_kind, pm_cov.period_start) = (pm.category, pm.period_kind, pm.period_start)
LEFT JOIN marts.period_values pp
       ON (pp.unit_code, pp.category, pp.measure, pp.period_kind, pp.period_start)
        = (v.unit_code, v.category, v.measure, v.period_kind, base_period.prior_start)
LEFT JOIN marts.coverage_now pp_cov
       ON (pp_cov.category, pp_cov.period_kind, pp_cov.period_start) = (pp.category, pp.period_kind, pp.period_start)
LEFT JOIN best_target tgt ON (tgt.unit_code, tgt.category) = (v.unit_code, v.category)
-- A series with no row in a covered base period had no events then: its base is a real zero.
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN base.unit_code IS NOT NULL THEN base.value
               WHEN cat.kind = 'flow'  AND base_cov.covered_cells > 0 THEN 0
               WHEN cat.kind = 'stock' AND base_cov.covered_days > 0 THEN 0
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
WHERE v.measure NOT IN ('scm_own_minutes', 'scm_items');;

COMMENT ON VIEW marts.indicators IS 'Burden indicators. Grain: one row per unit x category x measure x period (ISO week, calendar month, quarter or year). Values include the unit''s whole subtree. A number that cannot be published is NULL and status says why. The cost-model basis measures (scm_*) are read through marts.burden_hours.';
COMMENT ON COLUMN marts.indicators.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.indicators.base_period_start IS 'First day of the base period: the same season of the base year (same ISO week number, month or quarter; the year for years); base year from ref.indicator_settings base_period. NULL for ISO week 53 when the base year has none.';
COMMENT ON COLUMN marts.indicators.prior_year_value IS 'Value of the same season one year earlier (same ISO week number of the previous ISO year, same month or quarter, previous year), same unit as value.';
COMMENT ON COLUMN marts.indicators.prior_period_start IS 'First day of the previous period of the same kind (the week, month, quarter or year before).';
COMMENT ON COLUMN marts.indicators.prior_period_value IS 'Value of the previous period of the same kind, same unit as value.';
COMMENT ON COLUMN marts.indicators.pop_change IS 'Period over period: value / prior_period_value - 1 (week over week, month over month, quarter over quarter, year over year for years). Fraction. NULL when either period is unfinished or below the coverage threshold, or the prior value is 0 or missing.';
COMMENT ON COLUMN marts.indicators.value_since IS 'UTC time the current value was first computed; see marts.restatements for values it replaced.';

CREATE VIEW marts.weekly_indicators AS
SELECT unit_code, unit_name, unit_level, category, category_kind, measure, period_start, period_end,
       value, headcount, per_fte, subtree_headcount, per_fte_subtree,
       base_period_start, base_value, reduction, prior_year_value, yoy_change,
       prior_period_start, prior_period_value, pop_change,
       target_reduction, target_source, target_category_pattern, target_scope_unit, target_base_period,
       attainment, target_met, coverage, base_coverage, coverage_threshold, missing_streams, base_missing_streams,
       status, computed_at
FROM marts.indicators
WHERE period_kind = 'week';

COMMENT ON VIEW marts.weekly_indicators IS 'marts.indicators for ISO weeks (Monday..Sunday; base = same ISO week number of the base year; pop_change = week over week). Grain: unit x category x measure x week. Column meanings as in marts.indicators.';

CREATE VIEW marts.quarterly_indicators AS
SELECT unit_code, unit_name, unit_level, category, category_kind, measure, period_start, period_end,
       value, headcount, per_fte, subtree_headcount, per_fte_subtree,
       base_period_start, base_value, reduction, prior_year_value, yoy_change,
       prior_period_start, prior_period_value, pop_change,
       target_reduction, target_source, target_category_pattern, target_scope_unit, target_base_period,
       attainment, target_met, coverage, base_coverage, coverage_threshold, missing_streams, base_missing_streams,
       status, computed_at
FROM marts.indicators
WHERE period_kind = 'quarter';

COMMENT ON VIEW marts.quarterly_indicators IS 'marts.indicators for calendar quarters (base = same quarter of the base year; pop_change = quarter over quarter). Grain: unit x category x measure x quarter. Column meanings as in marts.indicators.';

-- The filters read exactly like marts.indicators: give their columns the same comments.
DO $do$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT target.relname AS view_name, ta.attname AS column_name,
               col_description(src.attrelid, src.attnum) AS description
        FROM pg_class target
        JOIN pg_attribute ta ON ta.attrelid = target.oid AND ta.attnum > 0
        JOIN pg_attribute src ON src.attrelid = 'marts.indicators'::regclass AND src.attname = ta.attname
        WHERE target.oid IN ('marts.weekly_indicators'::regclass, 'marts.quarterly_indicators'::regclass,
                             'marts.yearly_indicators'::regclass, 'marts.monthly_indicators'::regclass)
    LOOP
        EXECUTE format('COMMENT ON COLUMN marts.%I.%I IS %L', col.view_name, col.column_name, col.description);
    END LOOP;
END
$do$;

-- ---------------------------------------------------------------------------------------------------
-- The day level
-- ---------------------------------------------------------------------------------------------------

-- Rolled up on read: filter by unit_code and a day range (and category) to keep it cheap.
CREATE VIEW marts.daily_values AS
WITH
subtree_headcount AS (
    SELECT tree.ancestor_code AS unit_code, coalesce(sum(u.headcount) FILTER (WHERE u.active), 0) AS headcount
    FROM marts.unit_tree tree
    JOIN ref.units u ON u.code = tree.descendant_code
    GROUP BY tree.ancestor_code
),
rolled AS (
    SELECT tree.ancestor_code AS unit_code, f.category, f.measure, f.day, sum(f.value) AS value
    FROM facts.daily f
    JOIN marts.unit_tree tree ON tree.descendant_code = f.unit_code
    GROUP BY 1, 2, 3, 4
)
SELECT r.unit_code, u.name AS unit_name, u.level AS unit_level, r.category, cat.kind AS category_kind,
       r.measure, r.day, r.value,
       r.value / nullif(hc.headcount, 0) AS per_fte_subtree,
       -- Complete: every stream expected that day for the category was pulled.
       NOT EXISTS (
           SELECT 1 FROM ref.streams s
           WHERE s.active AND r.category = ANY (s.categories) AND s.history_from <= r.day
             AND NOT EXISTS (SELECT 1 FROM ops.coverage c
                             WHERE (c.source, c.stream, c.day) = (s.source, s.stream, r.day))
       ) AS complete
FROM rolled r
JOIN ref.categories cat ON cat.category = r.category
LEFT JOIN ref.units u ON u.code = r.unit_code
LEFT JOIN subtree_headcount hc ON hc.unit_code = r.unit_code;

COMMENT ON VIEW marts.daily_values IS 'The day level: value of a measure for a unit and its whole subtree on one local day, rolled up on read from facts.daily. Grain: unit x category x measure x day, only days with facts; a complete day without a row is zero. Filter by unit_code and day.';
COMMENT ON COLUMN marts.daily_values.unit_code IS 'Unit (ref.units.code); the value includes all its descendants.';
COMMENT ON COLUMN marts.daily_values.unit_name IS 'Unit name from ref.units.';
COMMENT ON COLUMN marts.daily_values.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.daily_values.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.daily_values.category_kind IS 'flow (events that day) or stock (level that day).';
COMMENT ON COLUMN marts.daily_values.measure IS 'Measure name from facts.daily (count, pages, minutes, active ...).';
COMMENT ON COLUMN marts.daily_values.day IS 'Local calendar day.';
COMMENT ON COLUMN marts.daily_values.value IS 'Sum over the subtree, sources and streams, in the measure''s own unit (events, pages, minutes, items in use ...).';
COMMENT ON COLUMN marts.daily_values.per_fte_subtree IS 'value / headcount of the unit and its active descendants: measure units per FTE. NULL when 0.';
COMMENT ON COLUMN marts.daily_values.complete IS 'True when every active stream expected that day for the category was pulled (ops.coverage); false: the value may be short.';

-- ---------------------------------------------------------------------------------------------------
-- Rolling 12 months
-- ---------------------------------------------------------------------------------------------------

CREATE VIEW marts.rolling_12_months AS
WITH
settings AS (
    SELECT
        (SELECT value::integer FROM ref.indicator_settings
          WHERE key = 'base_period' AND value ~ '^[0-9]{4}$') AS base_year,
        coalesce((SELECT value::numeric FROM ref.indicator_settings
                   WHERE key = 'coverage_threshold'), 0.95) AS coverage_threshold
),
-- Month rows: flows with their sum, stocks with their level sum over complete days.
months AS (
    SELECT v.unit_code, v.category, cat.kind, v.measure, v.period_start, v.period_end, v.value, v.level_sum,
           v.covered_days, coalesce(c.expected_cells, 0) AS expected_cells, coalesce(c.covered_cells, 0) AS covered_cells
    FROM marts.period_values v
    JOIN ref.categories cat ON cat.category = v.category
    LEFT JOIN marts.coverage_now c ON (c.category, c.period_kind, c.period_start) = (v.category, 'month', v.period_start)
    WHERE v.period_kind = 'month'
      AND v.measure NOT IN ('scm_own_minutes', 'scm_items')
      AND NOT (cat.kind = 'stock' AND v.measure LIKE '%\_mean')
),
windowed AS (
    SELECT m.*,
           count(*) OVER last12                  AS months_present,
           sum(m.value) OVER last12              AS total_12,
           sum(m.level_sum) OVER last12          AS level_sum_12,
           sum(m.covered_days) OVER last12       AS covered_days_12,
           sum(m.expected_cells) OVER last12     AS expected_cells_12,
           sum(m.covered_cells) OVER last12      AS covered_cells_12,
           count(*) OVER prior12                 AS prior_months_present,
           sum(m.value) OVER prior12             AS prior_total_12,
           sum(m.level_sum) OVER prior12         AS prior_level_sum_12,
           sum(m.covered_days) OVER prior12      AS prior_covered_days_12,
           sum(m.expected_cells) OVER prior12    AS prior_expected_cells_12,
           sum(m.covered_cells) OVER prior12     AS prior_covered_cells_12
    FROM months m
    WINDOW last12  AS (PARTITION BY m.unit_code, m.category, m.measure ORDER BY m.period_start
                       RANGE BETWEEN interval '11 months' PRECEDING AND CURRENT ROW),
           prior12 AS (PARTITION BY m.unit_code, m.category, m.measure ORDER BY m.period_start
                       RANGE BETWEEN interval '23 months' PRECEDING AND interval '12 months' PRECEDING)
),
valued AS (
    SELECT w.*,
           CASE WHEN w.kind = 'flow' THEN w.total_12
                WHEN w.covered_days_12 > 0 THEN w.level_sum_12 / w.covered_days_12 END AS value_12,
           CASE WHEN w.kind = 'flow' THEN w.prior_total_12
                WHEN w.prior_covered_days_12 > 0 THEN w.prior_level_sum_12 / w.prior_covered_days_12 END AS prior_value_12,
           w.covered_cells_12::numeric / nullif(w.expected_cells_12, 0) AS coverage_12,
           w.prior_covered_cells_12::numeric / nullif(w.prior_expected_cells_12, 0) AS prior_coverage_12
    FROM windowed w
)
SELECT x.unit_code, x.category, x.kind AS category_kind, x.measure,
       (x.period_start - interval '11 months')::date AS window_start,
       x.period_end AS window_end,
       x.months_present::integer AS months_present,
       x.value_12 AS value,
       x.coverage_12 AS coverage,
       x.prior_value_12 AS prior_value,
       CASE WHEN st.status = 'ok' AND x.prior_months_present = 12 AND x.prior_coverage_12 >= s.coverage_threshold
                 AND x.prior_value_12 > 0
            THEN x.value_12 / x.prior_value_12 - 1 END AS yoy_change,
       base.value AS base_year_value,
       CASE WHEN st.status = 'ok' THEN 1 - x.value_12 / base.value END AS reduction,
       st.status
FROM valued x
CROSS JOIN settings s
LEFT JOIN marts.period_values base
       ON (base.unit_code, base.category, base.measure, base.period_kind, base.period_start)
        = (x.unit_code, x.category, CASE WHEN x.kind = 'stock' THEN x.measure || '_mean' ELSE x.measure END,
           'year', make_date(s.base_year, 1, 1))
LEFT JOIN marts.coverage_now base_cov
       ON (base_cov.category, base_cov.period_kind, base_cov.period_start) = (x.category, 'year', make_date(s.base_year, 1, 1))
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN x.period_end >= current_date THEN 'incomplete_period'
               WHEN x.months_present < 12 OR coalesce(x.coverage_12, 0) < s.coverage_threshold THEN 'insufficient_coverage'
               WHEN base.value IS NULL OR coalesce(base_cov.covered_cells, 0) = 0 THEN 'no_base'
               WHEN coalesce(base_cov.coverage, 0) < s.coverage_threshold THEN 'insufficient_coverage'
               WHEN base.value = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) st;

COMMENT ON VIEW marts.rolling_12_months IS 'Rolling 12-month totals, to remove season: for each unit, category, measure and month, the 12 months ending with it. Grain: unit x category x measure x window end month. Flows: the sum; stocks: the mean level over the complete days of the 12 months. Filter by unit_code and category.';
COMMENT ON COLUMN marts.rolling_12_months.unit_code IS 'Unit (ref.units.code); values include all its descendants.';
COMMENT ON COLUMN marts.rolling_12_months.category IS 'Canonical category.';
COMMENT ON COLUMN marts.rolling_12_months.category_kind IS 'flow (summed) or stock (mean level).';
COMMENT ON COLUMN marts.rolling_12_months.measure IS 'Measure (count, pages, minutes ...; for stocks the level measure, e.g. active).';
COMMENT ON COLUMN marts.rolling_12_months.window_start IS 'First day of the first of the 12 months.';
COMMENT ON COLUMN marts.rolling_12_months.window_end IS 'Last day of the last of the 12 months.';
COMMENT ON COLUMN marts.rolling_12_months.months_present IS 'Months of the window with a stored value row (12 for a full window). Months.';
COMMENT ON COLUMN marts.rolling_12_months.value IS 'Flows: sum over the 12 months, in the measure''s unit (events, pages, minutes ...). Stocks: mean daily level over the complete days of the 12 months (items).';
COMMENT ON COLUMN marts.rolling_12_months.coverage IS 'Pulled / expected (source, stream, day) cells over the 12 months, fraction 0..1.';
COMMENT ON COLUMN marts.rolling_12_months.prior_value IS 'The same for the 12 months ending one year earlier, same unit.';
COMMENT ON COLUMN marts.rolling_12_months.yoy_change IS 'value / prior_value - 1, fraction. NULL unless status = ok and the prior window is full, covered and above 0.';
COMMENT ON COLUMN marts.rolling_12_months.base_year_value IS 'Value of the base year (flows: year total; stocks: mean level of the year), same unit.';
COMMENT ON COLUMN marts.rolling_12_months.reduction IS '1 - value / base_year_value, fraction: 0.30 = 30% below the base year. NULL unless status = ok.';
COMMENT ON COLUMN marts.rolling_12_months.status IS 'ok; incomplete_period (the last month has not ended); insufficient_coverage (fewer than 12 months or coverage of the window or the base year below the threshold); no_base; base_zero.';
