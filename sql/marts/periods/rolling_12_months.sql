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
GRANT SELECT ON marts.rolling_12_months TO metrics_analyst;
GRANT SELECT ON marts.rolling_12_months TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.rolling_12_months TO metrics_writer;
