-- V10: more periods (ISO week and quarter besides month and year), a cheaper incremental refresh, the
-- Standard Cost Model basis measures, and restatement history.
--
-- What changes against V6:
--   * marts.period_values / marts.period_coverage also hold ISO weeks (Monday..Sunday) and calendar
--     quarters. The day level is not stored (it would be about four times facts.daily once rolled up the
--     tree); marts.daily_values (V11) rolls it up on read.
--   * marts.refresh_periods reads facts only for the touched weeks and months. Quarters and years are
--     derived from the stored months (flows: the sum; stocks: the level of the month holding the last
--     complete day, and level_sum / covered_days for the mean), so a daily load no longer re-reads a
--     whole year of facts.
--   * Every flow also gets two Standard Cost Model basis measures (see V12): scm_own_minutes (the time
--     the source itself reports: attendee_minutes, else minutes) and scm_items (the events of streams
--     that report no time). Burden hours = (scm_own_minutes + scm_items x tariff) / 60 are computed on
--     read, so changing a tariff re-estimates every period at once without a refresh.
--   * Restatement: a published value (an ended period whose coverage met the threshold) that a later
--     refresh changes is kept in marts.period_values_history with the time it was known from, the time
--     it was replaced and why. Coverage changes of ended periods go to marts.period_coverage_history.
--     Values of running periods change with every load and are not kept.
--
-- The functions released with this file (touched_periods for four kinds, period_starts, that refresh and
-- a placeholder refresh_signals) are defined in the SQL layer (sql/layers.txt), which migrate applies after
-- the versioned files; this file keeps the table changes and the one-time move of V6's rows.

-- ---------------------------------------------------------------------------------------------------
-- Period kinds
-- ---------------------------------------------------------------------------------------------------

ALTER TABLE marts.period_values DROP CONSTRAINT period_values_period_kind_check;
ALTER TABLE marts.period_values ADD CONSTRAINT period_values_period_kind_check
    CHECK (period_kind IN ('week', 'month', 'quarter', 'year'));
ALTER TABLE marts.period_coverage DROP CONSTRAINT period_coverage_period_kind_check;
ALTER TABLE marts.period_coverage ADD CONSTRAINT period_coverage_period_kind_check
    CHECK (period_kind IN ('week', 'month', 'quarter', 'year'));

-- level_sum: the numerator of a stock's mean, so quarters and years can be derived from months exactly.
ALTER TABLE marts.period_values ADD COLUMN level_sum numeric NULL;
-- value_since: when the current value was first computed (unchanged by refreshes that recompute the same value).
ALTER TABLE marts.period_values ADD COLUMN value_since timestamptz NULL;
ALTER TABLE marts.period_coverage ADD COLUMN known_since timestamptz NULL;

-- Rows written by V6: the mean row holds level_sum / covered_days; give the level row its numerator back.
UPDATE marts.period_values lv
SET level_sum = round(mean.value * mean.covered_days, 10)
FROM marts.period_values mean
JOIN ref.categories cat ON cat.category = mean.category AND cat.kind = 'stock'
WHERE mean.measure = lv.measure || '_mean'
  AND (mean.unit_code, mean.category, mean.period_kind, mean.period_start)
    = (lv.unit_code, lv.category, lv.period_kind, lv.period_start);
UPDATE marts.period_values SET value_since = computed_at;
UPDATE marts.period_coverage SET known_since = computed_at;
ALTER TABLE marts.period_values ALTER COLUMN value_since SET NOT NULL;
ALTER TABLE marts.period_coverage ALTER COLUMN known_since SET NOT NULL;

COMMENT ON TABLE marts.period_values IS 'Value of a measure for a unit and its whole subtree in an ISO week, calendar month, quarter or year. Grain: unit x category x measure x period. Flows: sum over the period; stocks: level on the last complete day, plus <measure>_mean = mean level over complete days. Flows also carry the Standard Cost Model basis measures scm_own_minutes and scm_items (V12).';
COMMENT ON COLUMN marts.period_values.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.period_values.measure IS 'Measure name from facts.daily (count = events, pages, minutes, fields ...); for stocks also <measure>_mean; for flows also scm_own_minutes (person-minutes the source reports) and scm_items (events of streams without own time).';
COMMENT ON COLUMN marts.period_values.level_sum IS 'Stocks only: sum of the daily level over the complete days of the period (item-days); <measure>_mean = level_sum / covered_days. NULL for flows and for periods without a complete day.';
COMMENT ON COLUMN marts.period_values.computed_at IS 'UTC time of the refresh that last wrote the row; a refresh that recomputes the same numbers leaves the row (and this time) as it was. When the category was last refreshed: marts.indicator_freshness.';
COMMENT ON COLUMN marts.period_values.value_since IS 'UTC time the current value was first computed; a refresh that recomputes the same value keeps it. Older values of ended periods are in marts.period_values_history.';
COMMENT ON TABLE marts.period_coverage IS 'Coverage of a category in a period, as of the last refresh. Grain: category x period (ISO week, calendar month, quarter or year). Cells are (source, stream, day) triples expected by ref.streams.';
COMMENT ON COLUMN marts.period_coverage.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.period_coverage.known_since IS 'UTC time the current expected/covered cell counts were first computed. Older counts of ended periods are in marts.period_coverage_history.';

-- ---------------------------------------------------------------------------------------------------
-- Restatement history
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE marts.period_values_history (
    unit_code     text        NOT NULL,
    category      text        NOT NULL,
    measure       text        NOT NULL,
    period_kind   text        NOT NULL,
    period_start  date        NOT NULL,
    period_end    date        NOT NULL,
    value         numeric     NULL,
    new_value     numeric     NULL,
    known_from    timestamptz NOT NULL,
    replaced_at   timestamptz NOT NULL,
    reason        text        NOT NULL,
    window_id     bigint      NULL
);
CREATE INDEX period_values_history_key_idx
    ON marts.period_values_history (unit_code, category, measure, period_kind, period_start, replaced_at);
CREATE INDEX period_values_history_replaced_idx ON marts.period_values_history (replaced_at);

COMMENT ON TABLE marts.period_values_history IS 'Published values that a later refresh changed (restatements). Grain: one row per replaced value. Only ended periods whose coverage met the threshold when the value was computed are kept: that is what was published. Read with marts.indicators_as_of or marts.restatements.';
COMMENT ON COLUMN marts.period_values_history.unit_code IS 'Unit (ref.units.code); values include the subtree.';
COMMENT ON COLUMN marts.period_values_history.category IS 'Canonical category.';
COMMENT ON COLUMN marts.period_values_history.measure IS 'Measure, as in marts.period_values.';
COMMENT ON COLUMN marts.period_values_history.period_kind IS 'week, month, quarter or year.';
COMMENT ON COLUMN marts.period_values_history.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.period_values_history.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.period_values_history.value IS 'The value as it was published from known_from until replaced_at, in the measure''s unit (events, pages, minutes ...).';
COMMENT ON COLUMN marts.period_values_history.new_value IS 'The value that replaced it at replaced_at (NULL: the row disappeared or became unknown). Same unit.';
COMMENT ON COLUMN marts.period_values_history.known_from IS 'UTC time the old value was first computed.';
COMMENT ON COLUMN marts.period_values_history.replaced_at IS 'UTC time (transaction start) of the refresh that replaced it.';
COMMENT ON COLUMN marts.period_values_history.reason IS 'Why it changed: the load window that re-pulled the days (late, corrected or deleted source rows), an org-tree change, or a manual refresh.';
COMMENT ON COLUMN marts.period_values_history.window_id IS 'ops.windows row of the load that caused the change; NULL for a manual refresh.';

CREATE TABLE marts.period_coverage_history (
    category         text        NOT NULL,
    period_kind      text        NOT NULL,
    period_start     date        NOT NULL,
    period_end       date        NOT NULL,
    expected_cells   integer     NOT NULL,
    covered_cells    integer     NOT NULL,
    missing_streams  text[]      NOT NULL,
    known_from       timestamptz NOT NULL,
    replaced_at      timestamptz NOT NULL,
    reason           text        NOT NULL,
    window_id        bigint      NULL
);
CREATE INDEX period_coverage_history_key_idx
    ON marts.period_coverage_history (category, period_kind, period_start, replaced_at);

COMMENT ON TABLE marts.period_coverage_history IS 'Coverage counts of ended periods that a later refresh changed (e.g. missing days pulled late). Grain: one row per replaced coverage row.';
COMMENT ON COLUMN marts.period_coverage_history.category IS 'Canonical category.';
COMMENT ON COLUMN marts.period_coverage_history.period_kind IS 'week, month, quarter or year.';
COMMENT ON COLUMN marts.period_coverage_history.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.period_coverage_history.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.period_coverage_history.expected_cells IS 'Expected (source, stream, day) cells as they were known. Cells.';
COMMENT ON COLUMN marts.period_coverage_history.covered_cells IS 'Pulled cells as they were known. Cells.';
COMMENT ON COLUMN marts.period_coverage_history.missing_streams IS 'Streams with expected days not pulled, as they were known (source/stream).';
COMMENT ON COLUMN marts.period_coverage_history.known_from IS 'UTC time these counts were first computed.';
COMMENT ON COLUMN marts.period_coverage_history.replaced_at IS 'UTC time of the refresh that replaced them.';
COMMENT ON COLUMN marts.period_coverage_history.reason IS 'Why they changed (the load window, an org-tree change, a manual refresh).';
COMMENT ON COLUMN marts.period_coverage_history.window_id IS 'ops.windows row of the load that caused the change; NULL for a manual refresh.';
