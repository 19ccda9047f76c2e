-- V32: the marts store what is not zero; zeros are derived on read.
--
-- Until V31 marts.period_values held one row per series (unit x category x measure) and ISO week, month,
-- quarter and year of every covered period, zeros included: 4.8 M rows for 6.7 M facts at the benchmark's
-- 2,111 units, and on the order of 10^8 for a real province, most of them zero. Its refresh cost followed
-- the size of the tree and of the history, not the facts that changed.
--
-- Now marts.period_sums stores only the periods in which a series has facts (rolled up the org tree, as
-- before), and the view marts.period_values (sql/marts/periods/period_values.sql) adds, on read, the row of
-- every other covered period for every series that has facts in any year: a flow's 0 where the period
-- was pulled, a stock's 0 where it has a complete day, NULL where nothing was pulled. Readers (indicators,
-- burden hours, restatements, signals) see the same rows as before.
CREATE TABLE marts.period_sums (
    unit_code     text        NOT NULL,
    category      text        NOT NULL,
    measure       text        NOT NULL,
    period_kind   text        NOT NULL CHECK (period_kind IN ('week', 'month', 'quarter', 'year')),
    period_start  date        NOT NULL,
    period_end    date        NOT NULL,
    value         numeric     NULL,
    level_sum     numeric     NULL,
    computed_at   timestamptz NOT NULL,
    value_since   timestamptz NOT NULL,
    PRIMARY KEY (category, period_kind, period_start, unit_code, measure)
);
-- Series are looked up by unit (one unit's monthly series, a township's children ranked).
CREATE INDEX period_sums_unit_idx ON marts.period_sums (unit_code, category, measure, period_kind, period_start);

COMMENT ON TABLE marts.period_sums IS 'Stored values of the periods in which a series has facts: one row per unit x category x measure x period (ISO week, month, quarter, year) with at least one fact in the unit''s subtree. marts.period_values adds the zeros and NULLs of the other covered periods on read.';
COMMENT ON COLUMN marts.period_sums.unit_code IS 'Unit (ref.units.code); the value includes all its descendants, inactive ones too.';
COMMENT ON COLUMN marts.period_sums.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.period_sums.measure IS 'Measure name from facts.daily (count = events, pages, minutes, fields ...); for stocks also <measure>_mean; scm_own_minutes and scm_items are the Standard Cost Model basis of flows.';
COMMENT ON COLUMN marts.period_sums.period_kind IS 'week (ISO, Monday..Sunday), month, quarter or year (calendar, local days).';
COMMENT ON COLUMN marts.period_sums.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.period_sums.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.period_sums.value IS 'In the measure''s own unit. Flow: sum over the period; stock: level on the last complete day; <measure>_mean: mean level over complete days.';
COMMENT ON COLUMN marts.period_sums.level_sum IS 'Stocks: daily levels summed over the complete days (numerator of the mean); NULL for flows.';
COMMENT ON COLUMN marts.period_sums.computed_at IS 'UTC time of the refresh that last wrote the row (rows are rewritten only when they change).';
COMMENT ON COLUMN marts.period_sums.value_since IS 'UTC time the current value was first computed.';

-- One-time move: the rows a refresh would now store, and every year row so that each series that had a
-- row keeps having one (its zeros are derived from it). Everything else was a zero or NULL the view derives.
INSERT INTO marts.period_sums (unit_code, category, measure, period_kind, period_start, period_end, value, level_sum, computed_at, value_since)
SELECT v.unit_code, v.category, v.measure, v.period_kind, v.period_start, v.period_end, v.value, v.level_sum, v.computed_at, v.value_since
FROM marts.period_values v
LEFT JOIN ref.units u ON u.code = v.unit_code
WHERE v.value <> 0 OR v.level_sum <> 0 OR v.period_kind = 'year' OR u.active IS DISTINCT FROM true;

-- The views that read the table go with it; the SQL layer re-creates them, reading the view of the same name.
DROP TABLE marts.period_values CASCADE;
GRANT SELECT, INSERT, UPDATE, DELETE ON marts.period_sums TO metrics_writer;
GRANT SELECT ON marts.period_sums TO metrics_dashboard, metrics_analyst;
