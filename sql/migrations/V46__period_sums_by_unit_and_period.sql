-- V46: one unit's stored sums of one period are found by the index, not by reading all its rows.
--
-- marts.period_sums is keyed (category, period_kind, period_start, unit_code, measure). V35 left a
-- secondary index on unit_code alone, so a lookup of one unit's sums of one period (a ranking's base
-- period, a unit's yearly series, the series of a unit that marts.period_values derives zeros for) read
-- every row the unit has, ~700 for a county in two years, or skipped through the key's period_start:
-- 1.5 ms a row of marts.burden_hours, 28-39 s for a ranking of 100 townships on the 1 M event benchmark,
-- 4.8 s with this index.
DROP INDEX marts.period_sums_unit_idx;
CREATE INDEX period_sums_unit_period_idx ON marts.period_sums (unit_code, period_kind, period_start);
