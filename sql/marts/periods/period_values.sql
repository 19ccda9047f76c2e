-- The values of every series in every covered period, as analysts and the indicator views read them: the
-- stored sums of the periods with facts (marts.period_sums), and for the other periods of a series the
-- value a period without events has, derived here instead of stored (V32). A series is a unit, category and
-- measure with facts in its subtree in any year; it gets a derived row in each period of its category in
-- which a stream was expected, while its unit is active (an abolished unit has no burden to have reduced;
-- its history still counts in its parents and its own stored rows stay).
--   flow   0 where the period was pulled at all (covered_cells > 0), else NULL (unknown, not zero)
--   stock  level 0 where the period has a complete day, else NULL; <measure>_mean 0 over its complete days
CREATE VIEW marts.period_values AS
WITH series AS (
    SELECT DISTINCT s.unit_code, s.category, s.measure, cat.kind
    FROM marts.period_sums s
    JOIN ref.categories cat ON cat.category = s.category
    WHERE s.period_kind = 'year'
      AND NOT (cat.kind = 'stock' AND s.measure LIKE '%\_mean')
      AND s.measure <> 'scm_timed_count'
)
-- The stored sums (scm_timed_count only serves the scm_items below).
SELECT s.unit_code, s.category, s.measure, s.period_kind, s.period_start, s.period_end, s.value,
       c.covered_days, c.expected_days, s.computed_at, s.level_sum, s.value_since
FROM marts.period_sums s
JOIN marts.period_coverage c ON (c.category, c.period_kind, c.period_start) = (s.category, s.period_kind, s.period_start)
WHERE s.measure <> 'scm_timed_count'
UNION ALL
-- scm_items of a stored flow count: its events less those of streams reporting their own time (V35). None
-- where every event was timed, as none was stored before.
SELECT s.unit_code, s.category, 'scm_items', s.period_kind, s.period_start, s.period_end, s.value - coalesce(t.value, 0),
       c.covered_days, c.expected_days, greatest(s.computed_at, t.computed_at), NULL, greatest(s.value_since, t.value_since)
FROM marts.period_sums s
JOIN ref.categories cat ON cat.category = s.category AND cat.kind = 'flow'
JOIN marts.period_coverage c ON (c.category, c.period_kind, c.period_start) = (s.category, s.period_kind, s.period_start)
LEFT JOIN marts.period_sums t
       ON (t.category, t.period_kind, t.period_start, t.unit_code, t.measure)
        = (s.category, s.period_kind, s.period_start, s.unit_code, 'scm_timed_count')
WHERE s.measure = 'count'
  AND (t.value IS NULL OR t.value < s.value)
UNION ALL
-- The periods of a series without facts: a measure, a stock's mean, a flow count's scm_items.
SELECT z.unit_code, z.category, m.measure, c.period_kind, c.period_start, c.period_end,
       marts.zero_value(z.kind, m.measure, c.covered_cells, c.covered_days, c.last_covered_day),
       c.covered_days, c.expected_days, c.known_since,
       CASE WHEN z.kind = 'stock' AND NOT m.is_mean AND c.covered_days > 0 THEN 0 END,
       c.known_since
FROM series z
JOIN ref.units u ON u.code = z.unit_code AND u.active
JOIN marts.period_coverage c ON c.category = z.category AND c.expected_cells > 0
CROSS JOIN LATERAL (VALUES (z.measure, z.measure, false),
                           (z.measure || '_mean', z.measure || '_mean', true),
                           ('scm_items', 'count', false)) AS m(measure, stored_as, is_mean)
WHERE (z.kind = 'stock' OR NOT m.is_mean)
  AND (m.measure <> 'scm_items' OR (z.kind = 'flow' AND z.measure = 'count'))
  AND NOT EXISTS (SELECT 1 FROM marts.period_sums s
                  WHERE (s.category, s.period_kind, s.period_start, s.unit_code, s.measure)
                      = (c.category, c.period_kind, c.period_start, z.unit_code, m.stored_as));

COMMENT ON VIEW marts.period_values IS 'Value of a measure for a unit and its whole subtree in an ISO week, calendar month, quarter or year. Grain: unit x category x measure x period, for every series (unit, category, measure with facts in any year) and every period its category was expected in. Stored where the series has facts (marts.period_sums), derived here where it has none: flows 0 where pulled, stocks 0 where a day is complete, NULL where nothing was pulled. Flows: sum over the period; stocks: level on the last complete day, plus <measure>_mean = mean level over complete days.';
COMMENT ON COLUMN marts.period_values.unit_code IS 'Unit (ref.units.code); the value includes all its descendants, inactive ones too.';
COMMENT ON COLUMN marts.period_values.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.period_values.measure IS 'Measure name from facts.daily (count = events, pages, minutes, fields ...); for stocks also <measure>_mean; for flows also scm_own_minutes (person-minutes the source reports) and scm_items (events of streams without own time: count less the stored scm_timed_count, derived here).';
COMMENT ON COLUMN marts.period_values.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.period_values.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.period_values.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.period_values.value IS 'In the measure''s own unit (events, pages, minutes ...). Flow: sum of daily values over the period, summed over sources and streams. Stock: level on the period''s last complete day (sum over units and streams that day); <measure>_mean: mean of the daily level over complete days. NULL when no day of the period was covered (unknown, not zero).';
COMMENT ON COLUMN marts.period_values.covered_days IS 'Complete days of the period for the category (every expected stream pulled); the divisor of a stock mean. Days.';
COMMENT ON COLUMN marts.period_values.expected_days IS 'Days of the period on which at least one stream of the category was expected (through current_date at refresh). Days.';
COMMENT ON COLUMN marts.period_values.computed_at IS 'UTC time the value was last computed with a change: the refresh that wrote the stored sum, or for a derived zero the time the coverage it follows from was reached.';
COMMENT ON COLUMN marts.period_values.level_sum IS 'Stocks only: sum of the daily level over the complete days of the period (item-days); <measure>_mean = level_sum / covered_days. NULL for flows and for periods without a complete day.';
COMMENT ON COLUMN marts.period_values.value_since IS 'UTC time the current value was first computed (for a derived zero: since the coverage of the period reached its current state).';
GRANT SELECT ON marts.period_values TO metrics_analyst, metrics_dashboard, metrics_writer;
