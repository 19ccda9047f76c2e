CREATE VIEW marts.burden_hours AS
WITH
settings AS (
    SELECT
        (SELECT value::integer FROM ref.indicator_settings
          WHERE key = 'base_period' AND value ~ '^[0-9]{4}$') AS base_year,
        coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95) AS coverage_threshold,
        coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'working_hours_per_fte_year'), 2000) AS working_hours_year
)
SELECT
    cur.unit_code,
    u.name                                        AS unit_name,
    u.level                                       AS unit_level,
    cur.category,
    cat.kind                                      AS category_kind,
    cur.period_kind,
    cur.period_start,
    cur.period_end,
    tf.minutes_per_item,
    tf.index_weight,
    cur.own_minutes,
    cur.items,
    cur.mean_level,
    h.hours,
    hc.headcount                                  AS subtree_headcount,
    h.hours / nullif(hc.headcount, 0)             AS hours_per_fte,
    marts.working_hours(cur.period_kind, s.working_hours_year) AS working_hours_per_fte,
    h.hours / nullif(hc.headcount * marts.working_hours(cur.period_kind, s.working_hours_year), 0) AS share_of_working_time,
    base_period.start                             AS base_period_start,
    h.base_hours,
    CASE WHEN st.status = 'ok' THEN 1 - h.hours / h.base_hours END AS reduction,
    cov.coverage,
    base_cov.coverage                             AS base_coverage,
    coalesce(cov.missing_streams, '{}')           AS missing_streams,
    coalesce(base_cov.missing_streams, '{}')      AS base_missing_streams,
    st.status
FROM (
    -- The basis of each (unit, category, period): the two cost-model measures of flows, the mean level of stocks.
    SELECT v.unit_code, v.category, v.period_kind, v.period_start, max(v.period_end) AS period_end,
           sum(v.value) FILTER (WHERE v.measure = 'scm_own_minutes') AS own_minutes,
           sum(v.value) FILTER (WHERE v.measure = 'scm_items')       AS items,
           coalesce(sum(v.value) FILTER (WHERE v.measure = 'active_mean'),
                    sum(v.value) FILTER (WHERE v.measure = 'count_mean')) AS mean_level
    FROM marts.period_values v
    GROUP BY v.unit_code, v.category, v.period_kind, v.period_start
) cur
CROSS JOIN settings s
JOIN ref.categories cat ON cat.category = cur.category
LEFT JOIN ref.effective_tariffs tf ON tf.category = cur.category
LEFT JOIN ref.units u ON u.code = cur.unit_code
-- Staff of the unit's subtree, summed for the units read (a ranking of a few townships reads a few
-- subtrees, not the whole tree).
LEFT JOIN LATERAL (
    SELECT coalesce(sum(d.headcount) FILTER (WHERE d.active), 0) AS headcount
    FROM marts.unit_tree tree
    JOIN ref.units d ON d.code = tree.descendant_code
    WHERE tree.ancestor_code = cur.unit_code
) hc ON true
CROSS JOIN LATERAL (
    SELECT marts.season_start(cur.period_kind, cur.period_start, s.base_year) AS start
) base_period
-- The base period's basis as marts.period_values holds it, looked up in the stored tables: joining the
-- view would derive the zeros of every series to find the one row (1.5 ms a row, most of a ranking's time).
--   stored     the base period's sums (scm_items = count less the timed count, as the view derives it)
--   derived    where a series has no stored sum but its unit is active and the period was expected, the
--              view's zero (marts.zero_value): flows 0 where pulled, a stock's mean 0 over complete days
LEFT JOIN marts.period_coverage base_pc
       ON (base_pc.category, base_pc.period_kind, base_pc.period_start) = (cur.category, cur.period_kind, base_period.start)
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE b.measure <> 'scm_timed_count') AS stored_rows,
           max(b.value) FILTER (WHERE b.measure = 'scm_own_minutes') AS own_minutes,
           bool_or(b.measure = 'count')                             AS has_count,
           max(b.value) FILTER (WHERE b.measure = 'count')           AS count,
           max(b.value) FILTER (WHERE b.measure = 'scm_timed_count') AS timed_count,
           max(b.value) FILTER (WHERE b.measure = 'active_mean')     AS active_mean,
           max(b.value) FILTER (WHERE b.measure = 'count_mean')      AS count_mean
    FROM marts.period_sums b
    WHERE (b.category, b.period_kind, b.period_start, b.unit_code) = (cur.category, cur.period_kind, base_period.start, cur.unit_code)
      -- like the view, which reads a stored sum only where its period has a coverage row
      AND base_pc.category IS NOT NULL
) bs ON true
LEFT JOIN LATERAL (
    -- The series of the unit and category (measures with a yearly sum), which get derived zeros.
    SELECT bool_or(y.measure = 'scm_own_minutes') AS own_minutes,
           bool_or(y.measure = 'count')           AS count,
           bool_or(y.measure = 'active' AND cat.kind = 'stock') AS active,
           bool_or(y.measure = 'count' AND cat.kind = 'stock') AS stock_count
    FROM marts.period_sums y
    WHERE y.unit_code = cur.unit_code AND y.period_kind = 'year' AND y.category = cur.category
) series ON true
CROSS JOIN LATERAL (
    SELECT base_pc.category IS NOT NULL AND (bs.stored_rows > 0 OR (u.active AND base_pc.expected_cells > 0)) AS has_rows,
           u.active AND base_pc.expected_cells > 0 AS derives_zeros
    OFFSET 0
) bz
CROSS JOIN LATERAL (
    SELECT coalesce(bs.own_minutes,
                    CASE WHEN bz.derives_zeros AND series.own_minutes
                         THEN marts.zero_value('flow', 'scm_own_minutes', base_pc.covered_cells, base_pc.covered_days, base_pc.last_covered_day) END)
               AS own_minutes,
           CASE WHEN cat.kind <> 'flow' THEN NULL
                WHEN bs.has_count THEN CASE WHEN bs.timed_count IS NULL OR bs.timed_count < bs.count
                                            THEN bs.count - coalesce(bs.timed_count, 0) END
                WHEN bz.derives_zeros AND series.count
                THEN marts.zero_value('flow', 'scm_items', base_pc.covered_cells, base_pc.covered_days, base_pc.last_covered_day)
           END AS items,
           coalesce(coalesce(bs.active_mean,
                             CASE WHEN bz.derives_zeros AND series.active
                                  THEN marts.zero_value(cat.kind, 'active_mean', base_pc.covered_cells, base_pc.covered_days, base_pc.last_covered_day) END),
                    coalesce(bs.count_mean,
                             CASE WHEN bz.derives_zeros AND series.stock_count
                                  THEN marts.zero_value(cat.kind, 'count_mean', base_pc.covered_cells, base_pc.covered_days, base_pc.last_covered_day) END))
               AS mean_level
) base
LEFT JOIN marts.coverage_now cov
       ON (cov.category, cov.period_kind, cov.period_start) = (cur.category, cur.period_kind, cur.period_start)
LEFT JOIN marts.coverage_now base_cov
       ON (base_cov.category, base_cov.period_kind, base_cov.period_start) = (cur.category, cur.period_kind, base_period.start)
CROSS JOIN LATERAL (
    SELECT marts.scm_hours(cat.kind, cur.own_minutes, cur.items, cur.mean_level, tf.minutes_per_item,
                           least(cur.period_end, current_date) - cur.period_start + 1) AS hours,
           CASE
               WHEN bz.has_rows THEN
                   marts.scm_hours(cat.kind, base.own_minutes, base.items, base.mean_level, tf.minutes_per_item,
                                   base_pc.period_end - base_period.start + 1)
               -- A covered base period without rows for the series had no burden: a real zero.
               WHEN base_cov.covered_cells > 0 AND tf.minutes_per_item IS NOT NULL THEN 0
           END AS base_hours
) h
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN tf.minutes_per_item IS NULL THEN 'no_tariff'
               WHEN cur.period_end >= current_date THEN 'incomplete_period'
               WHEN h.base_hours IS NULL OR coalesce(base_cov.covered_cells, 0) = 0 THEN 'no_base'
               WHEN coalesce(cov.coverage, 0) < s.coverage_threshold
                 OR coalesce(base_cov.coverage, 0) < s.coverage_threshold
                 OR h.hours IS NULL THEN 'insufficient_coverage'
               WHEN h.base_hours = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) st;

COMMENT ON VIEW marts.burden_hours IS 'Burden hours after the Standard Cost Model. Grain: unit x category x period (ISO week, month, quarter, year); the unit''s value includes its subtree. hours = (own minutes + items x tariff) / 60 for flows, mean level x days x tariff / 60 for stocks; tariffs in ref.effective_tariffs.';
COMMENT ON COLUMN marts.burden_hours.unit_code IS 'Unit (ref.units.code); hours include all its descendants.';
COMMENT ON COLUMN marts.burden_hours.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.burden_hours.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.burden_hours.category IS 'Canonical category.';
COMMENT ON COLUMN marts.burden_hours.category_kind IS 'flow or stock.';
COMMENT ON COLUMN marts.burden_hours.period_kind IS 'week (ISO), month, quarter or year.';
COMMENT ON COLUMN marts.burden_hours.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.burden_hours.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.burden_hours.minutes_per_item IS 'Tariff in force (ref.effective_tariffs): minutes per item (flows) or per item in use per day (stocks).';
COMMENT ON COLUMN marts.burden_hours.index_weight IS 'Weight of the category in the composite burden index.';
COMMENT ON COLUMN marts.burden_hours.own_minutes IS 'Flows: minutes the sources themselves reported (attendee_minutes, else minutes), person-minutes. NULL for stocks.';
COMMENT ON COLUMN marts.burden_hours.items IS 'Flows: events of streams that report no time, priced at the tariff. Events. NULL for stocks.';
COMMENT ON COLUMN marts.burden_hours.mean_level IS 'Stocks: mean number of items in use over the complete days (the <measure>_mean value). Items. NULL for flows.';
COMMENT ON COLUMN marts.burden_hours.hours IS 'Burden hours in the period: (own_minutes + items x minutes_per_item) / 60, or mean_level x days x minutes_per_item / 60 for stocks (days through today for a running period). Hours.';
COMMENT ON COLUMN marts.burden_hours.subtree_headcount IS 'Staff of the unit and its active descendants, FTE.';
COMMENT ON COLUMN marts.burden_hours.hours_per_fte IS 'hours / subtree_headcount: hours per FTE. NULL when the headcount is 0.';
COMMENT ON COLUMN marts.burden_hours.working_hours_per_fte IS 'Working hours of one FTE in the period (working_hours_per_fte_year / 52, / 12, / 4 or whole). Hours.';
COMMENT ON COLUMN marts.burden_hours.share_of_working_time IS 'hours / (subtree_headcount x working_hours_per_fte): fraction of the staff''s working time spent on this burden (0.05 = 5%).';
COMMENT ON COLUMN marts.burden_hours.base_period_start IS 'First day of the same season in the base year.';
COMMENT ON COLUMN marts.burden_hours.base_hours IS 'Burden hours of the base period with today''s tariff (a re-estimate moves both). 0 when the base was covered and had no burden. Hours.';
COMMENT ON COLUMN marts.burden_hours.reduction IS '1 - hours / base_hours, fraction: 0.30 = 30% fewer hours than the base. NULL unless status = ok.';
COMMENT ON COLUMN marts.burden_hours.coverage IS 'Coverage of the category in the period, fraction 0..1.';
COMMENT ON COLUMN marts.burden_hours.base_coverage IS 'Coverage of the category in the base period, fraction 0..1.';
COMMENT ON COLUMN marts.burden_hours.missing_streams IS 'Streams (source/stream) with expected days not pulled in the period.';
COMMENT ON COLUMN marts.burden_hours.base_missing_streams IS 'Streams with expected days not pulled in the base period.';
COMMENT ON COLUMN marts.burden_hours.status IS 'ok; no_tariff (no ref.tariffs row matches the category); incomplete_period; no_base; insufficient_coverage; base_zero. reduction is NULL unless ok.';
GRANT SELECT ON marts.burden_hours TO metrics_analyst;
GRANT SELECT ON marts.burden_hours TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.burden_hours TO metrics_writer;
