-- V6: the indicators mart, first cut: its stored tables.
--
--   marts.unit_tree        the org-tree closure as of the last refresh
--   marts.period_coverage  category x period: how many (source, stream, day) cells were expected and pulled
--   marts.period_values    unit x category x measure x period: the rolled-up value (replaced by
--                          marts.period_sums in V32)
-- written only by marts.refresh_periods. Periods were calendar months and years of local days
-- (facts.daily.day is already the local day); V10 adds ISO weeks and quarters.
--
-- The functions and views released with this file (the closure, the refresh, marts.indicators and its
-- filters, coverage_now, indicator_freshness) are defined in the SQL layer (sql/layers.txt), which migrate
-- applies after the versioned files; this file keeps only what cannot be re-created.

-- A stored copy of marts.org_closure(), the closure of ref.units. Joins against a real table get real row
-- counts; the planner guesses a recursive query 100x too large, which makes it pick bad plans. Left empty
-- here: every refresh (marts.refresh_periods) rewrites it first whenever it differs from ref.units.
CREATE TABLE marts.unit_tree (
    ancestor_code    text    NOT NULL,
    descendant_code  text    NOT NULL,
    depth            integer NOT NULL,
    PRIMARY KEY (descendant_code, ancestor_code)
);
CREATE INDEX unit_tree_ancestor_idx ON marts.unit_tree (ancestor_code);

COMMENT ON TABLE marts.unit_tree IS 'Org-tree closure as of the last refresh. Grain: one row per (ancestor, descendant) pair, each unit paired with itself at depth 0; inactive units included so history stays.';
COMMENT ON COLUMN marts.unit_tree.ancestor_code IS 'The unit whose totals include the descendant.';
COMMENT ON COLUMN marts.unit_tree.descendant_code IS 'A unit in the subtree of ancestor_code (the ancestor itself included).';
COMMENT ON COLUMN marts.unit_tree.depth IS 'Levels between the two units: 0 = same unit, 1 = child, 2 = grandchild ...';

CREATE TABLE marts.period_coverage (
    category          text        NOT NULL,
    period_kind       text        NOT NULL CHECK (period_kind IN ('month', 'year')),
    period_start      date        NOT NULL,
    period_end        date        NOT NULL,
    expected_cells    integer     NOT NULL,
    covered_cells     integer     NOT NULL,
    coverage          numeric     GENERATED ALWAYS AS (
                          CASE WHEN expected_cells > 0 THEN covered_cells::numeric / expected_cells END) STORED,
    expected_days     integer     NOT NULL,
    covered_days      integer     NOT NULL,
    last_covered_day  date        NULL,
    streams           text[]      NOT NULL,
    missing_streams   text[]      NOT NULL,
    expected_through  date        NOT NULL,
    computed_at       timestamptz NOT NULL,
    PRIMARY KEY (category, period_kind, period_start)
);
COMMENT ON TABLE marts.period_coverage IS 'Coverage of a category in a period, as of the last refresh. Grain: category x period (calendar month or year). Cells are (source, stream, day) triples expected by ref.streams.';
COMMENT ON COLUMN marts.period_coverage.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.period_coverage.period_kind IS 'month or year (calendar, local days).';
COMMENT ON COLUMN marts.period_coverage.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.period_coverage.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.period_coverage.expected_cells IS 'Cells (source x stream x day) expected: each active stream feeding the category, each day of the period from its history_from through expected_through.';
COMMENT ON COLUMN marts.period_coverage.covered_cells IS 'Expected cells that ops.coverage records as pulled.';
COMMENT ON COLUMN marts.period_coverage.coverage IS 'covered_cells / expected_cells, fraction 0..1 (1 = every expected day of every stream pulled); NULL when nothing was expected.';
COMMENT ON COLUMN marts.period_coverage.expected_days IS 'Days of the period on which at least one stream was expected.';
COMMENT ON COLUMN marts.period_coverage.covered_days IS 'Complete days: days on which every expected stream was pulled. Stock means are taken over these days.';
COMMENT ON COLUMN marts.period_coverage.last_covered_day IS 'Last complete day of the period: the day whose level is the period-end level of a stock. NULL when no day is complete.';
COMMENT ON COLUMN marts.period_coverage.streams IS 'Streams expected in the period, as source/stream.';
COMMENT ON COLUMN marts.period_coverage.missing_streams IS 'Streams with at least one expected day not pulled, as source/stream.';
COMMENT ON COLUMN marts.period_coverage.expected_through IS 'Last day cells were expected through when computed: the period end, or current_date if the period had not ended yet.';
COMMENT ON COLUMN marts.period_coverage.computed_at IS 'UTC time of the refresh (transaction start) that wrote the row.';

CREATE TABLE marts.period_values (
    unit_code      text        NOT NULL,
    category       text        NOT NULL,
    measure        text        NOT NULL,
    period_kind    text        NOT NULL CHECK (period_kind IN ('month', 'year')),
    period_start   date        NOT NULL,
    period_end     date        NOT NULL,
    value          numeric     NULL,
    covered_days   integer     NOT NULL,
    expected_days  integer     NOT NULL,
    computed_at    timestamptz NOT NULL,
    PRIMARY KEY (category, period_kind, period_start, unit_code, measure)
);
-- Analysts look series up by unit; the primary key serves the refresh's delete by (category, period).
CREATE INDEX period_values_unit_idx ON marts.period_values (unit_code, category, measure, period_kind, period_start);

COMMENT ON TABLE marts.period_values IS 'Value of a measure for a unit and its whole subtree in a calendar month or year. Grain: unit x category x measure x period. Flows: sum over the period; stocks: level on the last complete day, plus <measure>_mean = mean level over complete days.';
COMMENT ON COLUMN marts.period_values.unit_code IS 'Unit (ref.units.code); the value includes all its descendants, inactive ones too.';
COMMENT ON COLUMN marts.period_values.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.period_values.measure IS 'Measure name from facts.daily (count = events, pages, minutes, fields ...); for stocks also <measure>_mean.';
COMMENT ON COLUMN marts.period_values.period_kind IS 'month or year (calendar, local days).';
COMMENT ON COLUMN marts.period_values.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.period_values.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.period_values.value IS 'In the measure''s own unit (events, pages, minutes ...). Flow: sum of daily values over the period, summed over sources and streams. Stock: level on the period''s last complete day (sum over units and streams that day); <measure>_mean: mean of the daily level over complete days. NULL when no day of the period was covered (unknown, not zero).';
COMMENT ON COLUMN marts.period_values.covered_days IS 'Complete days of the period for the category (every expected stream pulled); the divisor of a stock mean. Days.';
COMMENT ON COLUMN marts.period_values.expected_days IS 'Days of the period on which at least one stream of the category was expected (through current_date at refresh). Days.';
COMMENT ON COLUMN marts.period_values.computed_at IS 'UTC time of the refresh (transaction start) that wrote the row.';
