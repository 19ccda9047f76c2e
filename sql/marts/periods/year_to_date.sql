-- This year so far against the same days of the base year ("年初至今与基期同期比"). The running year is
-- only incomplete_period in marts.indicators; here it is compared on the days that are complete:
--   this year   Jan 1 .. through_day, the last day before today on which every expected stream of the
--               category was pulled (a category whose pulls stopped ten days ago compares ten days less)
--   base year   Jan 1 .. the same month and day of ref.indicator_settings base_period. 29 February has no
--               twin in a common year: it maps to 28 February (the base span then ends with February, as
--               the months marts.indicators compares do), so a leap year's span can hold one day more than
--               the other's; days and base_days give both counts.
-- Flows sum their days; a stock is never summed: its value is the level on the span's last complete day,
-- and <measure>_mean the mean level over the span's complete days, as marts.indicators treats stocks.
-- Rolled up on read from facts.daily over the unit's subtree: filter by unit_code, which reaches the
-- aggregation (only that subtree's facts are summed). Coverage is read from ops.coverage in this view (not
-- through marts.coverage_cells, whose body would run with the analyst's rights, who cannot read ops).
CREATE VIEW marts.year_to_date AS
WITH
settings AS (
    SELECT
        extract(year FROM current_date)::integer AS year,
        (SELECT value::integer FROM ref.indicator_settings
          WHERE key = 'base_period' AND value ~ '^[0-9]{4}$') AS base_year,
        coalesce((SELECT value::numeric FROM ref.indicator_settings
                   WHERE key = 'coverage_threshold'), 0.95) AS coverage_threshold
),
-- Every expected (category, source, stream, day) cell of this year through yesterday and of the base year,
-- and whether it was pulled: a day is expected for each active stream feeding the category from its history_from.
cells AS (
    SELECT cat.category, st.source, st.stream, d.day::date AS day, cov.day IS NOT NULL AS covered
    FROM settings s
    CROSS JOIN ref.categories cat
    JOIN ref.streams st ON st.active AND cat.category = ANY (st.categories)
    CROSS JOIN LATERAL (
        SELECT generate_series(greatest(make_date(s.year, 1, 1), st.history_from)::timestamp,
                               (current_date - 1)::timestamp, interval '1 day')
        UNION
        SELECT generate_series(greatest(make_date(s.base_year, 1, 1), st.history_from)::timestamp,
                               least(make_date(s.base_year, 12, 31), current_date - 1)::timestamp, interval '1 day')
        WHERE s.base_year IS NOT NULL
    ) AS d(day)
    LEFT JOIN ops.coverage cov ON (cov.source, cov.stream, cov.day) = (st.source, st.stream, d.day::date)
),
-- Complete days: every expected stream of the category pulled.
complete_days AS (
    SELECT category, day FROM cells GROUP BY category, day HAVING bool_and(covered)
),
spans AS (
    SELECT cat.category, cat.kind, s.year, s.base_year, s.coverage_threshold,
           make_date(s.year, 1, 1) AS period_start, t.through_day,
           make_date(s.base_year, 1, 1) AS base_period_start,
           marts.same_day_in_year(t.through_day, s.base_year) AS base_through_day
    FROM ref.categories cat
    CROSS JOIN settings s
    CROSS JOIN LATERAL (
        SELECT max(d.day) AS through_day FROM complete_days d
        WHERE d.category = cat.category AND d.day >= make_date(s.year, 1, 1)
    ) t
),
span_coverage AS (
    SELECT sp.*,
           c.expected_cells, c.covered_cells, c.missing_streams,
           b.expected_cells AS base_expected_cells, b.covered_cells AS base_covered_cells, b.missing_streams AS base_missing_streams,
           (SELECT count(*) FROM complete_days d
             WHERE d.category = sp.category AND d.day BETWEEN sp.period_start AND sp.through_day) AS complete_days,
           (SELECT count(*) FROM complete_days d
             WHERE d.category = sp.category AND d.day BETWEEN sp.base_period_start AND sp.base_through_day) AS base_complete_days,
           (SELECT max(d.day) FROM complete_days d
             WHERE d.category = sp.category AND d.day BETWEEN sp.base_period_start AND sp.base_through_day) AS base_last_complete_day
    FROM spans sp
    CROSS JOIN LATERAL (
        SELECT count(*) AS expected_cells, count(*) FILTER (WHERE x.covered) AS covered_cells,
               coalesce(array_agg(DISTINCT x.source || '/' || x.stream) FILTER (WHERE NOT x.covered), '{}') AS missing_streams
        FROM cells x WHERE x.category = sp.category AND x.day BETWEEN sp.period_start AND sp.through_day
    ) c
    CROSS JOIN LATERAL (
        SELECT count(*) AS expected_cells, count(*) FILTER (WHERE x.covered) AS covered_cells,
               coalesce(array_agg(DISTINCT x.source || '/' || x.stream) FILTER (WHERE NOT x.covered), '{}') AS missing_streams
        FROM cells x WHERE x.category = sp.category AND x.day BETWEEN sp.base_period_start AND sp.base_through_day
    ) b
),
-- The subtree's facts of both spans, per unit, category and measure. A filter on unit_code reaches this
-- aggregation (it is on a grouping column), so one unit sums only its own subtree.
rolled AS (
    SELECT tree.ancestor_code AS unit_code, f.category, f.measure,
           sum(f.value) FILTER (WHERE f.day BETWEEN sp.period_start AND sp.through_day) AS span_sum,
           sum(f.value) FILTER (WHERE f.day BETWEEN sp.base_period_start AND sp.base_through_day) AS base_sum,
           sum(f.value) FILTER (WHERE f.day = sp.through_day) AS span_level,
           sum(f.value) FILTER (WHERE f.day = sp.base_last_complete_day) AS base_level,
           sum(f.value) FILTER (WHERE f.day BETWEEN sp.period_start AND sp.through_day AND cd.day IS NOT NULL) AS span_level_sum,
           sum(f.value) FILTER (WHERE f.day BETWEEN sp.base_period_start AND sp.base_through_day AND cd.day IS NOT NULL) AS base_level_sum
    FROM facts.daily f
    JOIN span_coverage sp ON sp.category = f.category
    JOIN marts.unit_tree tree ON tree.descendant_code = f.unit_code
    LEFT JOIN complete_days cd ON (cd.category, cd.day) = (f.category, f.day)
    WHERE f.day BETWEEN sp.period_start AND sp.through_day
       OR f.day BETWEEN sp.base_period_start AND sp.base_through_day
    GROUP BY tree.ancestor_code, f.category, f.measure
)
SELECT r.unit_code, u.name AS unit_name, u.level AS unit_level,
       r.category, sp.kind AS category_kind, m.measure,
       sp.year, sp.period_start, sp.through_day,
       sp.through_day - sp.period_start + 1 AS days,
       sp.base_year, sp.base_period_start, sp.base_through_day,
       sp.base_through_day - sp.base_period_start + 1 AS base_days,
       v.value, v.base_value,
       CASE WHEN st.status = 'ok' THEN 1 - v.value / v.base_value END AS reduction,
       cov.coverage, cov.base_coverage, sp.coverage_threshold,
       sp.missing_streams, sp.base_missing_streams,
       st.status
FROM rolled r
JOIN span_coverage sp ON sp.category = r.category
-- an abolished unit has no year to date; its facts still count in its parents
JOIN ref.units u ON u.code = r.unit_code AND u.active
CROSS JOIN LATERAL (VALUES (r.measure, false), (r.measure || '_mean', true)) AS m(measure, is_mean)
CROSS JOIN LATERAL (
    SELECT sp.covered_cells::numeric / nullif(sp.expected_cells, 0) AS coverage,
           sp.base_covered_cells::numeric / nullif(sp.base_expected_cells, 0) AS base_coverage
) cov
-- Values as marts.period_values reads a period: a flow's days summed (0 where pulled without events), a
-- stock's level on the last complete day (0 on a complete day without a row), its mean over complete days.
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN sp.kind = 'flow' THEN coalesce(r.span_sum, 0)
               WHEN m.is_mean THEN coalesce(r.span_level_sum, 0) / nullif(sp.complete_days, 0)
               ELSE coalesce(r.span_level, 0)
           END AS value,
           CASE
               WHEN sp.base_year IS NULL THEN NULL
               WHEN sp.kind = 'flow' THEN CASE WHEN sp.base_covered_cells > 0 THEN coalesce(r.base_sum, 0) END
               WHEN m.is_mean THEN coalesce(r.base_level_sum, 0) / nullif(sp.base_complete_days, 0)
               WHEN sp.base_last_complete_day IS NOT NULL THEN coalesce(r.base_level, 0)
           END AS base_value
) v
-- Why a reduction is or is not published; the first reason that applies wins.
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN sp.base_year IS NULL OR coalesce(sp.base_covered_cells, 0) = 0 THEN 'no_base'
               WHEN coalesce(cov.coverage, 0) < sp.coverage_threshold
                 OR coalesce(cov.base_coverage, 0) < sp.coverage_threshold
                 OR v.value IS NULL OR v.base_value IS NULL THEN 'insufficient_coverage'
               WHEN v.base_value = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) st
-- rows only where this year has a complete day (the spans are empty before)
WHERE sp.through_day IS NOT NULL
  AND (sp.kind = 'stock' OR NOT m.is_mean);

COMMENT ON VIEW marts.year_to_date IS 'This year so far against the same days of the base year. Grain: one row per active unit x category x measure with facts in its subtree in either span, once a day of this year is complete. The span runs from 1 January through through_day, the last day before today on which every expected stream of the category was pulled; the base span over the same months and days of the base year (29 February maps to 28 February in a common year, so the two spans can differ by that one day: days, base_days). Flows: sum over the span; stocks: level on the span''s last complete day, <measure>_mean = mean level over its complete days (never a sum). reduction is NULL unless status = ok. Filter by unit_code: only that subtree is rolled up.';
COMMENT ON COLUMN marts.year_to_date.unit_code IS 'Unit (ref.units.code, active units); values include all its descendants, inactive ones too.';
COMMENT ON COLUMN marts.year_to_date.unit_name IS 'Unit name from ref.units.';
COMMENT ON COLUMN marts.year_to_date.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.year_to_date.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.year_to_date.category_kind IS 'flow (summed over the span) or stock (level on the last complete day; <measure>_mean = mean level).';
COMMENT ON COLUMN marts.year_to_date.measure IS 'Measure from facts.daily (count = events, pages, minutes ...); for stocks also <measure>_mean.';
COMMENT ON COLUMN marts.year_to_date.year IS 'This calendar year (of current_date).';
COMMENT ON COLUMN marts.year_to_date.period_start IS 'First day of the span: 1 January of this year.';
COMMENT ON COLUMN marts.year_to_date.through_day IS 'Last day of the span: the last day before today on which every active stream of the category was pulled. The view has no row of a category until one day of this year is complete.';
COMMENT ON COLUMN marts.year_to_date.days IS 'Days in the span (period_start .. through_day). Days.';
COMMENT ON COLUMN marts.year_to_date.base_year IS 'The base year (ref.indicator_settings base_period); NULL when none is configured.';
COMMENT ON COLUMN marts.year_to_date.base_period_start IS 'First day of the base span: 1 January of the base year.';
COMMENT ON COLUMN marts.year_to_date.base_through_day IS 'Last day of the base span: through_day''s month and day in the base year (29 February becomes 28 February in a common year).';
COMMENT ON COLUMN marts.year_to_date.base_days IS 'Days in the base span; differs from days by the leap day when one of the two years has 29 February inside its span. Days.';
COMMENT ON COLUMN marts.year_to_date.value IS 'This year so far, in the measure''s own unit (events, pages, minutes, items in use ...). Flow: sum over the span (0 where pulled without events); stock: level on through_day; <measure>_mean: mean level over the span''s complete days.';
COMMENT ON COLUMN marts.year_to_date.base_value IS 'The same days of the base year, same unit as value: flow sum (0 where pulled without events), stock level on the base span''s last complete day, or mean level over its complete days. NULL when the base span was not pulled (no complete day, for a stock).';
COMMENT ON COLUMN marts.year_to_date.reduction IS 'R = 1 - value / base_value. Fraction: 0.30 = 30% fewer than on the same days of the base year, negative = more. NULL unless status = ok.';
COMMENT ON COLUMN marts.year_to_date.coverage IS 'Pulled / expected (source, stream, day) cells of the category in this year''s span, fraction 0..1.';
COMMENT ON COLUMN marts.year_to_date.base_coverage IS 'Pulled / expected cells of the category in the base span, fraction 0..1; NULL when nothing was expected then.';
COMMENT ON COLUMN marts.year_to_date.coverage_threshold IS 'Minimum coverage of both spans for a published reduction (ref.indicator_settings coverage_threshold), fraction.';
COMMENT ON COLUMN marts.year_to_date.missing_streams IS 'Streams (source/stream) with expected days not pulled in this year''s span.';
COMMENT ON COLUMN marts.year_to_date.base_missing_streams IS 'Streams (source/stream) with expected days not pulled in the base span.';
COMMENT ON COLUMN marts.year_to_date.status IS 'ok; no_base (no base year, or its span has no pulled day); insufficient_coverage (coverage of either span below coverage_threshold, see missing_streams and base_missing_streams; or a stock without a complete base day); base_zero (base_value = 0). reduction is NULL unless ok.';
GRANT SELECT ON marts.year_to_date TO metrics_analyst;
GRANT SELECT ON marts.year_to_date TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.year_to_date TO metrics_writer;
