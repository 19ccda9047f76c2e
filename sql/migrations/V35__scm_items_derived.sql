-- V35: the Standard Cost Model's item basis is no longer stored beside every count.
--
-- Until V34 every flow series stored its counts twice: as `count` and as `scm_items` (the events of streams
-- that report no time of their own, priced at the tariff), equal to `count` wherever no stream of the
-- category reports minutes, which is almost everywhere. That doubled marts.period_sums (1.4 M of its 2.9 M
-- rows at the benchmark's 1 M events). Now the sums store the complement, `scm_timed_count` (the events of
-- streams that do report their own time), which exists only where such streams feed the category, and
-- marts.period_values derives scm_items = count - scm_timed_count on read.
INSERT INTO marts.period_sums (unit_code, category, measure, period_kind, period_start, period_end, value, level_sum, computed_at, value_since)
SELECT c.unit_code, c.category, 'scm_timed_count', c.period_kind, c.period_start, c.period_end,
       c.value - coalesce(i.value, 0), NULL, c.computed_at, c.value_since
FROM marts.period_sums c
JOIN ref.categories cat ON cat.category = c.category AND cat.kind = 'flow'
LEFT JOIN marts.period_sums i
       ON (i.category, i.period_kind, i.period_start, i.unit_code, i.measure)
        = (c.category, c.period_kind, c.period_start, c.unit_code, 'scm_items')
WHERE c.measure = 'count'
  AND c.value - coalesce(i.value, 0) > 0;

DELETE FROM marts.period_sums WHERE measure = 'scm_items';

-- One unit's series is looked up by its code alone (a few hundred rows per unit): a one-column index costs
-- a refresh far less to maintain than the five-column one, which every inserted row split at random.
DROP INDEX marts.period_sums_unit_idx;
CREATE INDEX period_sums_unit_idx ON marts.period_sums (unit_code);

COMMENT ON COLUMN marts.period_sums.measure IS 'Measure name from facts.daily (count = events, pages, minutes, fields ...); for stocks also <measure>_mean; for flows also scm_own_minutes (person-minutes the streams report themselves) and scm_timed_count (events of those streams; marts.period_values derives scm_items = count - scm_timed_count). Stored only where not zero.';
