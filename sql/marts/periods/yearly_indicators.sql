CREATE VIEW marts.yearly_indicators AS
SELECT unit_code, unit_name, unit_level, category, category_kind, measure, period_start, period_end,
       value, headcount, per_fte, subtree_headcount, per_fte_subtree,
       base_period_start, base_value, reduction, prior_year_value, yoy_change,
       target_reduction, target_source, target_category_pattern, target_scope_unit, target_base_period,
       attainment, target_met, coverage, base_coverage, coverage_threshold, missing_streams, base_missing_streams,
       status, computed_at,
       category_label_zh, category_label_en, status_label_zh, status_label_en
FROM marts.indicators
WHERE period_kind = 'year';

COMMENT ON VIEW marts.yearly_indicators IS 'marts.indicators for calendar years. Grain: unit x category x measure x year. Column meanings as in marts.indicators.';
COMMENT ON COLUMN marts.yearly_indicators.unit_code IS 'Unit (ref.units.code); values include all its descendants.';
COMMENT ON COLUMN marts.yearly_indicators.unit_name IS 'Unit name from ref.units.';
COMMENT ON COLUMN marts.yearly_indicators.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.yearly_indicators.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.yearly_indicators.category_kind IS 'flow (summed over the period) or stock (period-end level; <measure>_mean = mean level).';
COMMENT ON COLUMN marts.yearly_indicators.measure IS 'Measure: count (events), pages, minutes, fields, active ...; <measure>_mean for the mean level of a stock.';
COMMENT ON COLUMN marts.yearly_indicators.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.yearly_indicators.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.yearly_indicators.value IS 'V: level in the measure''s unit (events, pages, minutes ...). Flow: sum over the period; stock: level on the last complete day, or mean level for <measure>_mean. NULL when nothing was covered.';
COMMENT ON COLUMN marts.yearly_indicators.headcount IS 'Staff of the unit itself (ref.units.headcount), FTE.';
COMMENT ON COLUMN marts.yearly_indicators.per_fte IS 'value / headcount of the unit itself: measure units per FTE (e.g. events per person). NULL when headcount is 0.';
COMMENT ON COLUMN marts.yearly_indicators.subtree_headcount IS 'Staff of the unit and all its active descendants, FTE.';
COMMENT ON COLUMN marts.yearly_indicators.per_fte_subtree IS 'value / subtree_headcount: measure units per FTE of everyone the rolled-up value covers. NULL when 0.';
COMMENT ON COLUMN marts.yearly_indicators.base_period_start IS 'First day of the base period: the same season of the base year (same ISO week number, month or quarter; the year for years); base year from ref.indicator_settings base_period. NULL for ISO week 53 when the base year has none.';
COMMENT ON COLUMN marts.yearly_indicators.base_value IS 'V(base), same unit as value. 0 when the base period was covered but the series had no events then; NULL when the base was not covered.';
COMMENT ON COLUMN marts.yearly_indicators.reduction IS 'R = 1 - value / base_value. Fraction: 0.30 = 30% fewer than the base, negative = more. NULL unless status = ok.';
COMMENT ON COLUMN marts.yearly_indicators.prior_year_value IS 'Value of the same season one year earlier (same ISO week number of the previous ISO year, same month or quarter, previous year), same unit as value.';
COMMENT ON COLUMN marts.yearly_indicators.yoy_change IS 'value / prior_year_value - 1. Fraction: -0.10 = 10% fewer than a year earlier. NULL when either period is unfinished or below the coverage threshold, or the prior value is 0 or missing.';
COMMENT ON COLUMN marts.yearly_indicators.target_reduction IS 'Target reduction of the most specific ref.targets row (nearest scope, then exact category over family.*). Fraction: 0.30 = 30% fewer.';
COMMENT ON COLUMN marts.yearly_indicators.target_source IS 'Public programme the target comes from (ref.targets.public_source).';
COMMENT ON COLUMN marts.yearly_indicators.target_category_pattern IS 'category_pattern of the chosen target: the category itself or family.*.';
COMMENT ON COLUMN marts.yearly_indicators.target_scope_unit IS 'scope_unit of the chosen target; NULL = applies to every unit.';
COMMENT ON COLUMN marts.yearly_indicators.target_base_period IS 'Base period the chosen target was set against.';
COMMENT ON COLUMN marts.yearly_indicators.attainment IS 'reduction / target_reduction. Fraction: 1.0 = target exactly met, 0.5 = half way. NULL unless status = ok and the target''s base period is the configured base.';
COMMENT ON COLUMN marts.yearly_indicators.target_met IS 'reduction >= target_reduction; NULL when attainment is NULL.';
COMMENT ON COLUMN marts.yearly_indicators.coverage IS 'Coverage of the category in this period: pulled / expected (source, stream, day) cells, fraction 0..1.';
COMMENT ON COLUMN marts.yearly_indicators.base_coverage IS 'Coverage of the category in the base period, fraction 0..1.';
COMMENT ON COLUMN marts.yearly_indicators.coverage_threshold IS 'Minimum coverage of both periods for a published reduction (ref.indicator_settings coverage_threshold), fraction.';
COMMENT ON COLUMN marts.yearly_indicators.missing_streams IS 'Streams (source/stream) with expected days not pulled in this period.';
COMMENT ON COLUMN marts.yearly_indicators.base_missing_streams IS 'Streams (source/stream) with expected days not pulled in the base period.';
COMMENT ON COLUMN marts.yearly_indicators.status IS 'ok; incomplete_period (period not ended: end >= current_date); no_base (base period has no covered data); insufficient_coverage (current or base coverage below the threshold, see missing_streams); base_zero (base_value = 0). reduction and attainment are NULL unless ok.';
COMMENT ON COLUMN marts.yearly_indicators.computed_at IS 'UTC time the value was computed.';
COMMENT ON COLUMN marts.yearly_indicators.category_label_zh IS 'Chinese label of the category (ref.categories.label_zh).';
COMMENT ON COLUMN marts.yearly_indicators.category_label_en IS 'English label of the category (ref.categories.label_en).';
COMMENT ON COLUMN marts.yearly_indicators.status_label_zh IS 'Chinese label of status (ref.statuses.label_zh).';
COMMENT ON COLUMN marts.yearly_indicators.status_label_en IS 'English label of status (ref.statuses.label_en).';
GRANT SELECT ON marts.yearly_indicators TO metrics_analyst;
GRANT SELECT ON marts.yearly_indicators TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.yearly_indicators TO metrics_writer;
