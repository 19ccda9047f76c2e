-- V6: the indicators mart, first cut.
--
-- Two stored tables, written only by marts.refresh_periods inside each load transaction:
--   marts.period_coverage  category x period: how many (source, stream, day) cells were expected and pulled
--   marts.period_values    unit x category x measure x period: the rolled-up value
-- and views that analysts read: marts.indicators (reduction against the base year, year over year,
-- month over month, target attainment, a status saying why a number is missing), its yearly and monthly
-- filters, and marts.indicator_freshness for the status command.
--
-- Periods are calendar months and calendar years of local days (facts.daily.day is already the local day).

-- ---------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------

-- The org tree as a closure, computed from ref.units: one row per (ancestor, descendant) pair, the unit
-- itself included at depth 0. Inactive units stay in, so history recorded under a merged or abolished
-- unit still rolls up to its parents.
CREATE FUNCTION marts.org_closure()
RETURNS TABLE (ancestor_code text, descendant_code text, depth integer)
LANGUAGE sql STABLE
AS $fn$
    WITH RECURSIVE tree (ancestor_code, descendant_code, depth) AS (
        SELECT u.code, u.code, 0
        FROM ref.units u
        UNION ALL
        SELECT tree.ancestor_code, child.code, tree.depth + 1
        FROM tree
        JOIN ref.units child ON child.parent_code = tree.descendant_code
    ) CYCLE descendant_code SET in_cycle USING path   -- a parent_code loop in the file must not hang us
    SELECT ancestor_code, descendant_code, depth
    FROM tree
    WHERE NOT in_cycle
$fn$;

COMMENT ON FUNCTION marts.org_closure() IS 'Org-tree closure computed from ref.units now: (ancestor_code, descendant_code, depth), each unit paired with itself at depth 0, inactive units included.';

-- A stored copy of the closure, brought up to date by every refresh. Joins against a real table get
-- real row counts; the planner guesses a recursive query 100x too large, which makes it pick bad plans.
CREATE TABLE marts.unit_tree (
    ancestor_code    text    NOT NULL,
    descendant_code  text    NOT NULL,
    depth            integer NOT NULL,
    PRIMARY KEY (descendant_code, ancestor_code)
);
CREATE INDEX unit_tree_ancestor_idx ON marts.unit_tree (ancestor_code);
INSERT INTO marts.unit_tree SELECT * FROM marts.org_closure();

COMMENT ON TABLE marts.unit_tree IS 'Org-tree closure as of the last refresh. Grain: one row per (ancestor, descendant) pair, each unit paired with itself at depth 0; inactive units included so history stays.';
COMMENT ON COLUMN marts.unit_tree.ancestor_code IS 'The unit whose totals include the descendant.';
COMMENT ON COLUMN marts.unit_tree.descendant_code IS 'A unit in the subtree of ancestor_code (the ancestor itself included).';
COMMENT ON COLUMN marts.unit_tree.depth IS 'Levels between the two units: 0 = same unit, 1 = child, 2 = grandchild ...';

-- The months and years that contain at least one day of [p_from, p_to].
CREATE FUNCTION marts.touched_periods(p_from date, p_to date)
RETURNS TABLE (period_kind text, period_start date, period_end date)
LANGUAGE sql IMMUTABLE STRICT
ROWS 4   -- typically one or two months and one year; tells the planner it is small
AS $fn$
    SELECT 'month', m::date, (m + interval '1 month' - interval '1 day')::date
    FROM generate_series(date_trunc('month', p_from::timestamp), date_trunc('month', p_to::timestamp), interval '1 month') AS m
    UNION ALL
    SELECT 'year', y::date, (y + interval '1 year' - interval '1 day')::date
    FROM generate_series(date_trunc('year', p_from::timestamp), date_trunc('year', p_to::timestamp), interval '1 year') AS y
$fn$;

COMMENT ON FUNCTION marts.touched_periods(date, date) IS 'Calendar months and years overlapping [p_from, p_to]: period_kind (month|year), first and last day.';

-- Every (category, source, stream, day) cell that coverage expects in [p_from, p_to], and whether it was pulled.
-- A cell is expected for each active stream whose categories include the category, for each day from the
-- stream's history_from through today; it is covered when ops.coverage has the (source, stream, day) row.
CREATE FUNCTION marts.coverage_cells(p_from date, p_to date, p_categories text[])
RETURNS TABLE (category text, source text, stream text, day date, covered boolean)
LANGUAGE sql STABLE STRICT
ROWS 2000
AS $fn$
    SELECT c.category, s.source, s.stream, d.day::date, cov.day IS NOT NULL
    FROM (SELECT DISTINCT unnest(p_categories) AS category) c
    JOIN ref.streams s ON s.active AND c.category = ANY (s.categories)
    CROSS JOIN LATERAL generate_series(greatest(p_from, s.history_from)::timestamp, least(p_to, current_date)::timestamp, interval '1 day') AS d(day)
    LEFT JOIN ops.coverage cov ON cov.source = s.source AND cov.stream = s.stream AND cov.day = d.day::date
$fn$;

COMMENT ON FUNCTION marts.coverage_cells(date, date, text[]) IS 'Expected coverage cells in [p_from, p_to] for the categories: one row per category, active stream feeding it, and day from the stream''s history_from through current_date; covered = ops.coverage has the row.';

-- ---------------------------------------------------------------------------------------------------
-- Stored tables
-- ---------------------------------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------------------------------
-- The refresh
-- ---------------------------------------------------------------------------------------------------

CREATE FUNCTION marts.refresh_periods(p_from date, p_to date, p_categories text[])
RETURNS void
LANGUAGE plpgsql
-- The planner overestimates the (unit, measure, month) groups by 10-20x. Left alone it JIT-compiles
-- (about a second per statement, more than the query) and sorts a year of facts on disk instead of
-- hashing them. Refreshes run one at a time (advisory lock), so a larger work_mem here is safe.
SET jit = off
SET work_mem = '256MB'
AS $fn$
DECLARE
    -- Years are recomputed whole, so the facts read are those of every touched year.
    v_scan_from  date := date_trunc('year', p_from::timestamp)::date;
    v_scan_to    date := (date_trunc('year', p_to::timestamp) + interval '1 year' - interval '1 day')::date;
    v_base_year  integer;
BEGIN
    IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
        RAISE EXCEPTION 'marts.refresh_periods: invalid day range [%, %]', p_from, p_to;
    END IF;
    IF p_categories IS NULL OR cardinality(p_categories) = 0 THEN
        RETURN;
    END IF;

    -- One refresh at a time, whichever source calls it: the key is 'marts' in ASCII (0x6D61727473).
    -- Held until the caller's transaction ends; under READ COMMITTED every statement below then takes
    -- a new snapshot and sees the facts the previous holder committed.
    PERFORM pg_advisory_xact_lock(469786326131);

    -- The org tree as ref.units has it now; rewritten only when the org-units file changed it.
    IF EXISTS (SELECT * FROM marts.org_closure() EXCEPT SELECT * FROM marts.unit_tree)
       OR EXISTS (SELECT * FROM marts.unit_tree EXCEPT SELECT * FROM marts.org_closure()) THEN
        DELETE FROM marts.unit_tree;
        INSERT INTO marts.unit_tree SELECT * FROM marts.org_closure();
    END IF;

    SELECT value::integer INTO v_base_year
    FROM ref.indicator_settings
    WHERE key = 'base_period' AND value ~ '^[0-9]{4}$';

    -- Delete-then-insert of the touched (category, period) cells.
    DELETE FROM marts.period_values v
    USING marts.touched_periods(p_from, p_to) t
    WHERE v.category = ANY (p_categories)
      AND v.period_kind = t.period_kind
      AND v.period_start = t.period_start;

    DELETE FROM marts.period_coverage c
    USING marts.touched_periods(p_from, p_to) t
    WHERE c.category = ANY (p_categories)
      AND c.period_kind = t.period_kind
      AND c.period_start = t.period_start;

    -- 1. Coverage per category and touched period.
    INSERT INTO marts.period_coverage (
        category, period_kind, period_start, period_end, expected_cells, covered_cells,
        expected_days, covered_days, last_covered_day, streams, missing_streams, expected_through, computed_at)
    WITH
    cells AS (
        SELECT * FROM marts.coverage_cells(v_scan_from, v_scan_to, p_categories)
    ),
    -- Per stream and period: how many of its expected days were pulled.
    stream_periods AS (
        SELECT cells.category, t.period_kind, t.period_start, cells.source || '/' || cells.stream AS stream_name,
               count(*) AS expected_cells,
               count(*) FILTER (WHERE cells.covered) AS covered_cells
        FROM cells
        JOIN marts.touched_periods(p_from, p_to) t ON cells.day BETWEEN t.period_start AND t.period_end
        GROUP BY 1, 2, 3, 4
    ),
    -- A day is complete for a category when every stream expected that day was pulled.
    complete_days AS (
        SELECT category, day, bool_and(covered) AS complete
        FROM cells
        GROUP BY category, day
    ),
    day_periods AS (
        SELECT d.category, t.period_kind, t.period_start,
               count(*) AS expected_days,
               count(*) FILTER (WHERE d.complete) AS covered_days,
               max(d.day) FILTER (WHERE d.complete) AS last_covered_day
        FROM complete_days d
        JOIN marts.touched_periods(p_from, p_to) t ON d.day BETWEEN t.period_start AND t.period_end
        GROUP BY 1, 2, 3
    ),
    stream_summary AS (
        SELECT category, period_kind, period_start,
               sum(expected_cells) AS expected_cells,
               sum(covered_cells) AS covered_cells,
               array_agg(stream_name ORDER BY stream_name) AS streams,
               coalesce(array_agg(stream_name ORDER BY stream_name) FILTER (WHERE covered_cells < expected_cells), '{}') AS missing_streams
        FROM stream_periods
        GROUP BY 1, 2, 3
    )
    -- Every known category x touched period gets a row, even when nothing feeds it (expected_cells = 0).
    SELECT cat.category, t.period_kind, t.period_start, t.period_end,
           coalesce(ss.expected_cells, 0), coalesce(ss.covered_cells, 0),
           coalesce(dp.expected_days, 0), coalesce(dp.covered_days, 0), dp.last_covered_day,
           coalesce(ss.streams, '{}'), coalesce(ss.missing_streams, '{}'),
           least(t.period_end, current_date), now()
    FROM ref.categories cat
    CROSS JOIN marts.touched_periods(p_from, p_to) t
    LEFT JOIN stream_summary ss ON (ss.category, ss.period_kind, ss.period_start) = (cat.category, t.period_kind, t.period_start)
    LEFT JOIN day_periods dp ON (dp.category, dp.period_kind, dp.period_start) = (cat.category, t.period_kind, t.period_start)
    WHERE cat.category = ANY (p_categories);

    -- 2. Values per unit (with its subtree), category, measure and touched period.
    INSERT INTO marts.period_values (
        unit_code, category, measure, period_kind, period_start, period_end, value, covered_days, expected_days, computed_at)
    WITH
    -- The touched cells with their coverage, written just above. Categories missing from ref.categories
    -- are skipped: without a kind we cannot know whether to sum them.
    touched AS (
        SELECT pc.*, cat.kind
        FROM marts.period_coverage pc
        JOIN ref.categories cat ON cat.category = pc.category
        JOIN marts.touched_periods(p_from, p_to) t ON (t.period_kind, t.period_start) = (pc.period_kind, pc.period_start)
        WHERE pc.category = ANY (p_categories)
    ),
    -- Complete days of the touched years (every expected stream pulled), flagging the last one of each month.
    complete_days AS (
        SELECT category, day,
               day = max(day) OVER (PARTITION BY category, date_trunc('month', day::timestamp)) AS last_of_month
        FROM marts.coverage_cells(v_scan_from, v_scan_to, p_categories)
        GROUP BY category, day
        HAVING bool_and(covered)
    ),
    -- One pass over the facts of the touched years, summed per leaf unit and month over days, sources
    -- and streams. Three sums, because every rule is linear in the facts:
    --   total       flows: everything in the month
    --   level_sum   stocks: daily levels summed over complete days (numerator of the mean)
    --   end_level   stocks: level on the month's last complete day
    leaf_months AS (
        SELECT f.unit_code, f.category, f.measure,
               date_trunc('month', f.day::timestamp)::date AS month_start,
               sum(f.value) AS total,
               sum(f.value) FILTER (WHERE cd.day IS NOT NULL) AS level_sum,
               sum(f.value) FILTER (WHERE cd.last_of_month) AS end_level
        FROM facts.daily f
        LEFT JOIN complete_days cd ON (cd.category, cd.day) = (f.category, f.day)
        WHERE f.category = ANY (p_categories)
          AND f.day BETWEEN v_scan_from AND v_scan_to
        GROUP BY 1, 2, 3, 4
    ),
    -- The touched months as they are, and the touched years from their twelve months. A year's end
    -- level is the end level of the month holding the year's last complete day.
    leaf_values AS (
        SELECT lm.unit_code, lm.category, lm.measure, t.period_kind, t.period_start,
               lm.total, lm.level_sum, lm.end_level
        FROM leaf_months lm
        JOIN touched t ON (t.category, t.period_kind, t.period_start) = (lm.category, 'month', lm.month_start)
        UNION ALL
        SELECT lm.unit_code, lm.category, lm.measure, t.period_kind, t.period_start,
               sum(lm.total), sum(lm.level_sum),
               sum(lm.end_level) FILTER (WHERE lm.month_start = date_trunc('month', t.last_covered_day::timestamp)::date)
        FROM leaf_months lm
        JOIN touched t ON (t.category, t.period_kind, t.period_start)
                        = (lm.category, 'year', date_trunc('year', lm.month_start::timestamp)::date)
        GROUP BY 1, 2, 3, 4, 5
    ),
    -- Up the org tree: each leaf's sums count for the unit itself and every ancestor.
    rolled AS (
        SELECT tree.ancestor_code AS unit_code, lv.category, lv.measure, lv.period_kind, lv.period_start,
               sum(lv.total) AS total, sum(lv.level_sum) AS level_sum, sum(lv.end_level) AS end_level
        FROM leaf_values lv
        JOIN marts.unit_tree tree ON tree.descendant_code = lv.unit_code
        GROUP BY 1, 2, 3, 4, 5
    ),
    -- Series that get a row in every touched period even without a single event: those seen in the
    -- touched years, the year before them (for year over year) and the base year (for the reduction).
    -- A covered period without events is a real zero (a 100% reduction), not a missing row.
    series AS (
        SELECT DISTINCT unit_code, category, measure
        FROM rolled
        UNION
        SELECT tree.ancestor_code, seen.category, seen.measure
        FROM (
            SELECT DISTINCT f.unit_code, f.category, f.measure
            FROM facts.daily f
            WHERE f.category = ANY (p_categories)
              AND (f.day BETWEEN (v_scan_from - interval '1 year')::date AND v_scan_from - 1
                   OR f.day BETWEEN make_date(v_base_year, 1, 1) AND make_date(v_base_year, 12, 31))
        ) seen
        JOIN marts.unit_tree tree ON tree.descendant_code = seen.unit_code
    ),
    cells AS (
        SELECT s.unit_code, s.category, s.measure, t.kind, t.period_kind, t.period_start, t.period_end,
               t.covered_cells, t.covered_days, t.expected_days, t.last_covered_day,
               r.unit_code IS NOT NULL AS has_facts, r.total, r.level_sum, r.end_level
        FROM series s
        JOIN touched t ON t.category = s.category
        JOIN ref.units u ON u.code = s.unit_code
        LEFT JOIN rolled r ON (r.unit_code, r.category, r.measure, r.period_kind, r.period_start)
                            = (s.unit_code, s.category, s.measure, t.period_kind, t.period_start)
        -- Zeros are filled in only for active units where something was expected: a period nothing was
        -- expected in says nothing, and an abolished unit has no burden to have reduced (its history
        -- still counts in its parents, and its own rows stay where it has facts).
        WHERE r.unit_code IS NOT NULL OR (t.expected_cells > 0 AND u.active)
    )
    SELECT unit_code, category, measure, period_kind, period_start, period_end,
           CASE
               -- Flow: the sum; zero events on covered days are a zero; nothing covered is unknown.
               WHEN kind = 'flow' THEN
                   CASE WHEN has_facts THEN total WHEN covered_cells > 0 THEN 0 END
               -- Stock: the level on the last complete day; never a sum over days.
               ELSE
                   CASE WHEN last_covered_day IS NOT NULL THEN coalesce(end_level, 0) END
           END,
           covered_days, expected_days, now()
    FROM cells
    UNION ALL
    -- Stock: the mean level over the complete days, as its own measure.
    SELECT unit_code, category, measure || '_mean', period_kind, period_start, period_end,
           CASE WHEN covered_days > 0 THEN coalesce(level_sum, 0) / covered_days END,
           covered_days, expected_days, now()
    FROM cells
    WHERE kind = 'stock';
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_periods(date, date, text[]) IS
'Recomputes marts.period_coverage and marts.period_values for every calendar month and year touching [p_from, p_to] and the given categories only (delete, then insert). Call inside the load transaction, after the facts and ops.coverage rows of those days are written. Serialized by pg_advisory_xact_lock(469786326131).';

-- ---------------------------------------------------------------------------------------------------
-- Views for analysts
-- ---------------------------------------------------------------------------------------------------

-- Coverage as of now. A stored row is final once its period had ended when it was computed. If the period
-- ended later and no load refreshed it since, no stream of the category was pulled for the days after
-- expected_through (every load refreshes what it pulled), so those days count as expected and missing.
CREATE VIEW marts.coverage_now AS
SELECT pc.category, pc.period_kind, pc.period_start, pc.period_end,
       pc.expected_cells + coalesce(late.cells, 0) AS expected_cells,
       pc.covered_cells,
       CASE WHEN pc.expected_cells + coalesce(late.cells, 0) > 0
            THEN pc.covered_cells::numeric / (pc.expected_cells + coalesce(late.cells, 0)) END AS coverage,
       pc.covered_days,
       ARRAY(SELECT DISTINCT s FROM unnest(pc.missing_streams || coalesce(late.streams, '{}')) AS s ORDER BY s) AS missing_streams,
       pc.computed_at
FROM marts.period_coverage pc
LEFT JOIN LATERAL (
    SELECT sum(d.days)::integer AS cells, array_agg(s.source || '/' || s.stream) AS streams
    FROM ref.streams s
    CROSS JOIN LATERAL (
        SELECT least(pc.period_end, current_date) - greatest(pc.expected_through + 1, s.history_from, pc.period_start) + 1 AS days
    ) d
    WHERE pc.expected_through < least(pc.period_end, current_date)
      AND s.active AND pc.category = ANY (s.categories)
      AND d.days > 0
) late ON true;

COMMENT ON VIEW marts.coverage_now IS 'marts.period_coverage brought up to today: days that became expected after the last refresh of a period count as expected and not pulled. Grain: category x period.';
COMMENT ON COLUMN marts.coverage_now.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.coverage_now.period_kind IS 'month or year (calendar, local days).';
COMMENT ON COLUMN marts.coverage_now.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.coverage_now.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.coverage_now.expected_cells IS 'Expected (source, stream, day) cells through min(period end, current_date). Cells.';
COMMENT ON COLUMN marts.coverage_now.covered_cells IS 'Expected cells pulled. Cells.';
COMMENT ON COLUMN marts.coverage_now.coverage IS 'covered_cells / expected_cells, fraction 0..1; NULL when nothing was expected.';
COMMENT ON COLUMN marts.coverage_now.covered_days IS 'Complete days (every expected stream pulled). Days.';
COMMENT ON COLUMN marts.coverage_now.missing_streams IS 'Streams with at least one expected day not pulled, as source/stream.';
COMMENT ON COLUMN marts.coverage_now.computed_at IS 'UTC time of the refresh that wrote the underlying row.';

CREATE VIEW marts.indicators AS
WITH
settings AS (
    SELECT
        (SELECT value::integer FROM ref.indicator_settings
          WHERE key = 'base_period' AND value ~ '^[0-9]{4}$') AS base_year,
        coalesce((SELECT value::numeric FROM ref.indicator_settings
                   WHERE key = 'coverage_threshold'), 0.95) AS coverage_threshold
),
-- Staff of the unit and all its active descendants, for per-FTE values of rolled-up units.
subtree_headcount AS (
    SELECT tree.ancestor_code AS unit_code, coalesce(sum(u.headcount) FILTER (WHERE u.active), 0) AS headcount
    FROM marts.unit_tree tree
    JOIN ref.units u ON u.code = tree.descendant_code
    GROUP BY tree.ancestor_code
),
-- Targets that may apply to a unit: scoped to the unit or an ancestor (distance = levels up), or global.
target_candidates AS (
    SELECT tree.descendant_code AS unit_code, t.target_id, t.category_pattern, t.scope_unit, t.base_period,
           t.reduction, t.public_source, tree.depth AS scope_distance
    FROM ref.targets t
    JOIN marts.unit_tree tree ON tree.ancestor_code = t.scope_unit
    UNION ALL
    SELECT u.code, t.target_id, t.category_pattern, t.scope_unit, t.base_period,
           t.reduction, t.public_source, NULL
    FROM ref.targets t
    CROSS JOIN ref.units u
    WHERE t.scope_unit IS NULL
),
-- The most specific target per unit and category: nearest scope first (the unit, its parent ... global),
-- then the exact category over its family pattern, then one set against our base year, then the newest.
best_target AS (
    SELECT DISTINCT ON (tc.unit_code, cat.category)
           tc.unit_code, cat.category, tc.category_pattern, tc.scope_unit, tc.base_period, tc.reduction, tc.public_source
    FROM target_candidates tc
    JOIN ref.categories cat
      ON tc.category_pattern = cat.category
      OR tc.category_pattern = split_part(cat.category, '.', 1) || '.*'
    CROSS JOIN settings s
    ORDER BY tc.unit_code, cat.category,
             tc.scope_distance NULLS LAST,
             (tc.category_pattern = cat.category) DESC,
             (tc.base_period = s.base_year::text) DESC,
             tc.target_id DESC
)
SELECT
    v.unit_code,
    u.name                                   AS unit_name,
    u.level                                  AS unit_level,
    v.category,
    cat.kind                                 AS category_kind,
    v.measure,
    v.period_kind,
    v.period_start,
    v.period_end,
    v.value,
    u.headcount,
    v.value / nullif(u.headcount, 0)         AS per_fte,
    hc.headcount                             AS subtree_headcount,
    v.value / nullif(hc.headcount, 0)        AS per_fte_subtree,
    base_period.start                        AS base_period_start,
    base_value.value                         AS base_value,
    CASE WHEN st.status = 'ok' THEN 1 - v.value / base_value.value END AS reduction,
    py.value                                 AS prior_year_value,
    CASE WHEN cmp.yoy_defined THEN v.value / py.value - 1 END AS yoy_change,
    pm.value                                 AS prior_month_value,
    CASE WHEN cmp.mom_defined THEN v.value / pm.value - 1 END AS mom_change,
    tgt.reduction                            AS target_reduction,
    tgt.public_source                        AS target_source,
    tgt.category_pattern                     AS target_category_pattern,
    tgt.scope_unit                           AS target_scope_unit,
    tgt.base_period                          AS target_base_period,
    CASE WHEN st.status = 'ok' AND tgt.base_period = s.base_year::text
         THEN (1 - v.value / base_value.value) / tgt.reduction END AS attainment,
    CASE WHEN st.status = 'ok' AND tgt.base_period = s.base_year::text
         THEN (1 - v.value / base_value.value) >= tgt.reduction END AS target_met,
    cov.coverage,
    base_cov.coverage                        AS base_coverage,
    s.coverage_threshold,
    coalesce(cov.missing_streams, '{}')      AS missing_streams,
    coalesce(base_cov.missing_streams, '{}') AS base_missing_streams,
    st.status,
    v.computed_at
FROM marts.period_values v
CROSS JOIN settings s
JOIN ref.categories cat ON cat.category = v.category
LEFT JOIN ref.units u ON u.code = v.unit_code
LEFT JOIN subtree_headcount hc ON hc.unit_code = v.unit_code
-- The comparison periods: the same month (or the year) of the base year, last year, last month.
CROSS JOIN LATERAL (
    SELECT CASE v.period_kind
               WHEN 'month' THEN make_date(s.base_year, extract(month FROM v.period_start)::integer, 1)
               ELSE make_date(s.base_year, 1, 1)
           END AS start
) base_period
LEFT JOIN marts.period_values base
       ON (base.unit_code, base.category, base.measure, base.period_kind, base.period_start)
        = (v.unit_code, v.category, v.measure, v.period_kind, base_period.start)
LEFT JOIN marts.period_values py
       ON (py.unit_code, py.category, py.measure, py.period_kind, py.period_start)
        = (v.unit_code, v.category, v.measure, v.period_kind, (v.period_start - interval '1 year')::date)
LEFT JOIN marts.period_values pm
       ON (pm.unit_code, pm.category, pm.measure, pm.period_kind, pm.period_start)
        = (v.unit_code, v.category, v.measure, 'month', (v.period_start - interval '1 month')::date)
       AND v.period_kind = 'month'
LEFT JOIN marts.coverage_now cov
       ON (cov.category, cov.period_kind, cov.period_start) = (v.category, v.period_kind, v.period_start)
LEFT JOIN marts.coverage_now base_cov
       ON (base_cov.category, base_cov.period_kind, base_cov.period_start) = (v.category, v.period_kind, base_period.start)
LEFT JOIN marts.coverage_now py_cov
       ON (py_cov.category, py_cov.period_kind, py_cov.period_start) = (py.category, py.period_kind, py.period_start)
LEFT JOIN marts.coverage_now pm_cov
       ON (pm_cov.category, pm_cov.period_kind, pm_cov.period_start) = (pm.category, pm.period_kind, pm.period_start)
LEFT JOIN best_target tgt ON (tgt.unit_code, tgt.category) = (v.unit_code, v.category)
-- A series with no row in a covered base period had no events then: its base is a real zero.
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN base.unit_code IS NOT NULL THEN base.value
               WHEN cat.kind = 'flow'  AND base_cov.covered_cells > 0 THEN 0
               WHEN cat.kind = 'stock' AND base_cov.covered_days > 0 THEN 0
           END AS value
) base_value
-- Why a number is or is not published; the first reason that applies wins.
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN v.period_end >= current_date THEN 'incomplete_period'
               WHEN base_value.value IS NULL OR coalesce(base_cov.covered_cells, 0) = 0 THEN 'no_base'
               WHEN coalesce(cov.coverage, 0) < s.coverage_threshold
                 OR coalesce(base_cov.coverage, 0) < s.coverage_threshold
                 OR v.value IS NULL THEN 'insufficient_coverage'   -- e.g. a stock with no complete day
               WHEN base_value.value = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) st
-- Changes against last year / last month follow the same rules: both periods ended and covered, a non-zero divisor.
CROSS JOIN LATERAL (
    SELECT st.status <> 'incomplete_period' AND coalesce(cov.coverage, 0) >= s.coverage_threshold
               AND coalesce(py_cov.coverage, 0) >= s.coverage_threshold AND py.value > 0
               AND v.value IS NOT NULL AS yoy_defined,
           st.status <> 'incomplete_period' AND coalesce(cov.coverage, 0) >= s.coverage_threshold
               AND coalesce(pm_cov.coverage, 0) >= s.coverage_threshold AND pm.value > 0
               AND v.value IS NOT NULL AS mom_defined
) cmp;

COMMENT ON VIEW marts.indicators IS 'Burden indicators. Grain: one row per unit x category x measure x period (calendar month or year). Values include the unit''s whole subtree. A number that cannot be published is NULL and status says why.';
COMMENT ON COLUMN marts.indicators.unit_code IS 'Unit (ref.units.code); values include all its descendants.';
COMMENT ON COLUMN marts.indicators.unit_name IS 'Unit name from ref.units.';
COMMENT ON COLUMN marts.indicators.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.indicators.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.indicators.category_kind IS 'flow (summed over the period) or stock (period-end level; <measure>_mean = mean level).';
COMMENT ON COLUMN marts.indicators.measure IS 'Measure: count (events), pages, minutes, fields, active ...; <measure>_mean for the mean level of a stock.';
COMMENT ON COLUMN marts.indicators.period_kind IS 'month or year (calendar, local days).';
COMMENT ON COLUMN marts.indicators.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.indicators.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.indicators.value IS 'V: level in the measure''s unit (events, pages, minutes ...). Flow: sum over the period; stock: level on the last complete day, or mean level for <measure>_mean. NULL when nothing was covered.';
COMMENT ON COLUMN marts.indicators.headcount IS 'Staff of the unit itself (ref.units.headcount), FTE.';
COMMENT ON COLUMN marts.indicators.per_fte IS 'value / headcount of the unit itself: measure units per FTE (e.g. events per person). NULL when headcount is 0.';
COMMENT ON COLUMN marts.indicators.subtree_headcount IS 'Staff of the unit and all its active descendants, FTE.';
COMMENT ON COLUMN marts.indicators.per_fte_subtree IS 'value / subtree_headcount: measure units per FTE of everyone the rolled-up value covers. NULL when 0.';
COMMENT ON COLUMN marts.indicators.base_period_start IS 'First day of the base period: the same month of the base year (months) or the base year (years); base year from ref.indicator_settings base_period.';
COMMENT ON COLUMN marts.indicators.base_value IS 'V(base), same unit as value. 0 when the base period was covered but the series had no events then; NULL when the base was not covered.';
COMMENT ON COLUMN marts.indicators.reduction IS 'R = 1 - value / base_value. Fraction: 0.30 = 30% fewer than the base, negative = more. NULL unless status = ok.';
COMMENT ON COLUMN marts.indicators.prior_year_value IS 'Value of the same period a year earlier, same unit as value.';
COMMENT ON COLUMN marts.indicators.yoy_change IS 'value / prior_year_value - 1. Fraction: -0.10 = 10% fewer than a year earlier. NULL when either period is unfinished or below the coverage threshold, or the prior value is 0 or missing.';
COMMENT ON COLUMN marts.indicators.prior_month_value IS 'Value of the previous month (month rows only), same unit as value.';
COMMENT ON COLUMN marts.indicators.mom_change IS 'value / prior_month_value - 1 (month rows only). Fraction: -0.10 = 10% fewer than the month before. NULL under the same conditions as yoy_change.';
COMMENT ON COLUMN marts.indicators.target_reduction IS 'Target reduction of the most specific ref.targets row (nearest scope, then exact category over family.*). Fraction: 0.30 = 30% fewer.';
COMMENT ON COLUMN marts.indicators.target_source IS 'Public programme the target comes from (ref.targets.public_source).';
COMMENT ON COLUMN marts.indicators.target_category_pattern IS 'category_pattern of the chosen target: the category itself or family.*.';
COMMENT ON COLUMN marts.indicators.target_scope_unit IS 'scope_unit of the chosen target; NULL = applies to every unit.';
COMMENT ON COLUMN marts.indicators.target_base_period IS 'Base period the chosen target was set against.';
COMMENT ON COLUMN marts.indicators.attainment IS 'reduction / target_reduction. Fraction: 1.0 = target exactly met, 0.5 = half way. NULL unless status = ok and the target''s base period is the configured base.';
COMMENT ON COLUMN marts.indicators.target_met IS 'reduction >= target_reduction; NULL when attainment is NULL.';
COMMENT ON COLUMN marts.indicators.coverage IS 'Coverage of the category in this period: pulled / expected (source, stream, day) cells, fraction 0..1.';
COMMENT ON COLUMN marts.indicators.base_coverage IS 'Coverage of the category in the base period, fraction 0..1.';
COMMENT ON COLUMN marts.indicators.coverage_threshold IS 'Minimum coverage of both periods for a published reduction (ref.indicator_settings coverage_threshold), fraction.';
COMMENT ON COLUMN marts.indicators.missing_streams IS 'Streams (source/stream) with expected days not pulled in this period.';
COMMENT ON COLUMN marts.indicators.base_missing_streams IS 'Streams (source/stream) with expected days not pulled in the base period.';
COMMENT ON COLUMN marts.indicators.status IS 'ok; incomplete_period (period not ended: end >= current_date); no_base (base period has no covered data); insufficient_coverage (current or base coverage below the threshold, see missing_streams); base_zero (base_value = 0). reduction and attainment are NULL unless ok.';
COMMENT ON COLUMN marts.indicators.computed_at IS 'UTC time the value was computed.';

CREATE VIEW marts.yearly_indicators AS
SELECT unit_code, unit_name, unit_level, category, category_kind, measure, period_start, period_end,
       value, headcount, per_fte, subtree_headcount, per_fte_subtree,
       base_period_start, base_value, reduction, prior_year_value, yoy_change,
       target_reduction, target_source, target_category_pattern, target_scope_unit, target_base_period,
       attainment, target_met, coverage, base_coverage, coverage_threshold, missing_streams, base_missing_streams,
       status, computed_at
FROM marts.indicators
WHERE period_kind = 'year';

COMMENT ON VIEW marts.yearly_indicators IS 'marts.indicators for calendar years. Grain: unit x category x measure x year. Column meanings as in marts.indicators.';

CREATE VIEW marts.monthly_indicators AS
SELECT unit_code, unit_name, unit_level, category, category_kind, measure, period_start, period_end,
       value, headcount, per_fte, subtree_headcount, per_fte_subtree,
       base_period_start, base_value, reduction, prior_year_value, yoy_change, prior_month_value, mom_change,
       target_reduction, target_source, target_category_pattern, target_scope_unit, target_base_period,
       attainment, target_met, coverage, base_coverage, coverage_threshold, missing_streams, base_missing_streams,
       status, computed_at
FROM marts.indicators
WHERE period_kind = 'month';

COMMENT ON VIEW marts.monthly_indicators IS 'marts.indicators for calendar months (base = same month of the base year). Grain: unit x category x measure x month. Column meanings as in marts.indicators.';

-- The two filters read exactly like marts.indicators: give their columns the same comments.
DO $do$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT target.relname AS view_name, ta.attname AS column_name,
               col_description(src.attrelid, src.attnum) AS description
        FROM pg_class target
        JOIN pg_attribute ta ON ta.attrelid = target.oid AND ta.attnum > 0
        JOIN pg_attribute src ON src.attrelid = 'marts.indicators'::regclass AND src.attname = ta.attname
        WHERE target.oid IN ('marts.yearly_indicators'::regclass, 'marts.monthly_indicators'::regclass)
    LOOP
        EXECUTE format('COMMENT ON COLUMN marts.%I.%I IS %L', col.view_name, col.column_name, col.description);
    END LOOP;
END
$do$;

CREATE VIEW marts.indicator_freshness AS
SELECT cat.category,
       cat.kind,
       max(pc.computed_at)                                           AS last_computed_at,
       now() - max(pc.computed_at)                                   AS age,
       max(pc.last_covered_day)                                      AS last_covered_day,
       max(pc.period_start) FILTER (WHERE pc.period_kind = 'month')  AS latest_month
FROM ref.categories cat
LEFT JOIN marts.period_coverage pc ON pc.category = cat.category
GROUP BY cat.category, cat.kind;

COMMENT ON VIEW marts.indicator_freshness IS 'When each category''s indicators were last recomputed. Grain: one row per category in ref.categories; NULLs = never refreshed.';
COMMENT ON COLUMN marts.indicator_freshness.category IS 'Canonical category.';
COMMENT ON COLUMN marts.indicator_freshness.kind IS 'flow or stock.';
COMMENT ON COLUMN marts.indicator_freshness.last_computed_at IS 'UTC time of the latest refresh that touched the category (max computed_at).';
COMMENT ON COLUMN marts.indicator_freshness.age IS 'now() - last_computed_at (interval).';
COMMENT ON COLUMN marts.indicator_freshness.last_covered_day IS 'Latest complete day (every expected stream pulled) seen by any refresh of the category.';
COMMENT ON COLUMN marts.indicator_freshness.latest_month IS 'First day of the latest month with computed values.';
