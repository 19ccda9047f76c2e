-- V12: burden hours after the Standard Cost Model (EU, UK, NL), per FTE and as a share of working time,
-- and the composite burden index (weighted burden hours, base period = 100).
--
--   hours(u, c, t) = (own minutes + items x minutes per item) / 60            flows
--   hours(u, c, t) = mean level x days x minutes per item and day / 60       stocks (apps, work groups)
--
-- "own minutes" is the time the source itself reports (a meeting's attendee_minutes, else its minutes);
-- "items" are the events of streams that report no time. Both are stored by marts.refresh_periods as the
-- basis measures scm_own_minutes and scm_items; the tariff is applied here, on read. A tariff change is
-- therefore a re-estimate that applies to the base and the current period alike, never a reduction.

-- ---------------------------------------------------------------------------------------------------
-- Tariffs
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE ref.tariffs (
    tariff_id         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_pattern  text    NOT NULL,
    minutes_per_item  numeric NOT NULL CHECK (minutes_per_item >= 0),
    index_weight      numeric NOT NULL DEFAULT 1 CHECK (index_weight >= 0),
    rationale         text    NULL,
    origin            text    NOT NULL CHECK (origin IN ('seed', 'config')),
    UNIQUE (category_pattern, origin)
);

COMMENT ON TABLE ref.tariffs IS 'Standard Cost Model tariffs: standard minutes of grassroots staff time per item of a category. Grain: one row per category pattern and origin. Seeded defaults (origin seed) are illustrative; Pipeline:Indicators:Tariffs (origin config) overrides them.';
COMMENT ON COLUMN ref.tariffs.category_pattern IS 'A category, or family.* for every category of a family.';
COMMENT ON COLUMN ref.tariffs.minutes_per_item IS 'Flows: minutes per event (document, meeting without reported time, inspection, request, form, check-in, task). Stocks: minutes per item in use per day (an app, a work group). Minutes.';
COMMENT ON COLUMN ref.tariffs.index_weight IS 'Weight of the category''s burden hours in the composite burden index (1 = as its hours; 0 = left out). Dimensionless.';
COMMENT ON COLUMN ref.tariffs.rationale IS 'What the minutes stand for, and where they come from.';
COMMENT ON COLUMN ref.tariffs.origin IS 'seed (this migration) or config (Pipeline:Indicators:Tariffs).';

-- Documented defaults. They are assumptions for a township or village clerk, meant to be replaced by a
-- local time study (the SCM's "normally efficient" staff member); what matters for reductions is that
-- base and current periods use the same tariff.
INSERT INTO ref.tariffs (category_pattern, minutes_per_item, index_weight, rationale, origin) VALUES
    ('document.formal',          60, 1, 'A red-header file: read, relay to staff or villages, implement, file, often report back.', 'seed'),
    ('document.informal',        20, 1, 'A notice, letter or chat notice: read, relay, sometimes reply.', 'seed'),
    ('document.*',               30, 1, 'Any other document category (configured).', 'seed'),
    ('meeting.offline',         180, 1, 'An in-person meeting without reported time: about 2 h sitting plus travel, one attendee. Streams that report minutes or attendee_minutes use their own time instead.', 'seed'),
    ('meeting.online',           90, 1, 'An online meeting without reported time: about 1.5 h, one attendee. Streams with reported time use it instead.', 'seed'),
    ('meeting.*',               120, 1, 'Any other meeting category (configured).', 'seed'),
    ('inspection.onsite',       480, 1, 'An on-site inspection, check or assessment: one working day of preparing material and accompanying.', 'seed'),
    ('inspection.remote',       120, 1, 'A remote inspection: assembling and uploading material.', 'seed'),
    ('inspection.*',            240, 1, 'Any other inspection category (configured).', 'seed'),
    ('data_request',             45, 1, 'Material or data demanded through a chat group: collect, format, send.', 'seed'),
    ('report_form',              60, 1, 'A form or statistical report: gather figures and fill in.', 'seed'),
    ('check_in',                  5, 1, 'A check-in, photo or track upload, chain sign-up.', 'seed'),
    ('digital_tool.app',         10, 1, 'Per app in use per day: log in, read, clear tasks and notifications.', 'seed'),
    ('digital_tool.work_group',  10, 1, 'Per work group in use per day: follow and answer the group.', 'seed'),
    ('digital_tool.*',           10, 1, 'Any other digital tool (configured), per item per day.', 'seed'),
    ('task.received',            60, 1, 'A task received from above: organise and report completion.', 'seed'),
    ('task.issued',               0, 0, 'Issuing downward is the issuer''s act; the burden is counted where the task is received (not counted twice).', 'seed');

-- The tariff in force per category: a configured row beats a seeded one, an exact category beats family.*.
CREATE VIEW ref.effective_tariffs AS
SELECT DISTINCT ON (cat.category)
       cat.category, cat.kind, t.category_pattern, t.minutes_per_item, t.index_weight, t.rationale, t.origin,
       CASE cat.kind WHEN 'flow' THEN 'minutes per item' ELSE 'minutes per item in use per day' END AS basis
FROM ref.categories cat
JOIN ref.tariffs t
  ON t.category_pattern = cat.category
  OR t.category_pattern = split_part(cat.category, '.', 1) || '.*'
ORDER BY cat.category, (t.origin = 'config') DESC, (t.category_pattern = cat.category) DESC;

COMMENT ON VIEW ref.effective_tariffs IS 'The tariff in force for each category: configured beats seeded, exact category beats family.*. Grain: one row per category that has a tariff.';
COMMENT ON COLUMN ref.effective_tariffs.category IS 'Canonical category.';
COMMENT ON COLUMN ref.effective_tariffs.kind IS 'flow or stock.';
COMMENT ON COLUMN ref.effective_tariffs.category_pattern IS 'The tariff row that applies (the category or its family.*).';
COMMENT ON COLUMN ref.effective_tariffs.minutes_per_item IS 'Minutes per item (flows) or per item in use per day (stocks).';
COMMENT ON COLUMN ref.effective_tariffs.index_weight IS 'Weight in the composite burden index.';
COMMENT ON COLUMN ref.effective_tariffs.rationale IS 'What the minutes stand for.';
COMMENT ON COLUMN ref.effective_tariffs.origin IS 'seed or config.';
COMMENT ON COLUMN ref.effective_tariffs.basis IS 'What the minutes are per: item (flows) or item in use per day (stocks).';

-- Working time: 250 working days of 8 hours (365 days less 104 weekend days and 11 public holidays).
INSERT INTO ref.indicator_settings (key, value) VALUES ('working_hours_per_fte_year', '2000')
ON CONFLICT (key) DO NOTHING;
COMMENT ON TABLE ref.indicator_settings IS 'Indicator settings from configuration: base_period (a calendar year), coverage_threshold (0..1), working_hours_per_fte_year (hours one FTE works in a year; default 2000 = 250 days x 8 h; a quarter is 1/4 of it, a month 1/12, an ISO week 1/52).';

-- ---------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------

-- Burden hours of one (unit, category, period) from its basis and tariff.
CREATE FUNCTION marts.scm_hours(p_kind text, p_own_minutes numeric, p_items numeric, p_mean_level numeric,
                                p_minutes_per_item numeric, p_days integer)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $fn$
    SELECT CASE
        WHEN p_kind = 'flow' THEN
            CASE WHEN p_own_minutes IS NOT NULL OR p_items IS NOT NULL
                 THEN (coalesce(p_own_minutes, 0) + coalesce(p_items, 0) * p_minutes_per_item) / 60 END
        ELSE p_mean_level * p_days * p_minutes_per_item / 60
    END
$fn$;

COMMENT ON FUNCTION marts.scm_hours(text, numeric, numeric, numeric, numeric, integer) IS 'Standard Cost Model hours: flows (own minutes + items x minutes per item) / 60; stocks mean level x days x minutes per item and day / 60. NULL when nothing is known.';

-- Working hours of one FTE in a period.
CREATE FUNCTION marts.working_hours(p_period_kind text, p_hours_per_year numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT p_hours_per_year / CASE p_period_kind WHEN 'week' THEN 52 WHEN 'month' THEN 12 WHEN 'quarter' THEN 4 ELSE 1 END
$fn$;

COMMENT ON FUNCTION marts.working_hours(text, numeric) IS 'Working hours of one FTE in a period: the yearly hours / 52 (week), / 12 (month), / 4 (quarter), or the yearly hours.';

-- ---------------------------------------------------------------------------------------------------
-- marts.burden_hours: unit x category x period
-- ---------------------------------------------------------------------------------------------------

CREATE VIEW marts.burden_hours AS
WITH
settings AS (
    SELECT
        (SELECT value::integer FROM ref.indicator_settings
          WHERE key = 'base_period' AND value ~ '^[0-9]{4}$') AS base_year,
        coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95) AS coverage_threshold,
        coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'working_hours_per_fte_year'), 2000) AS working_hours_year
),
subtree_headcount AS (
    SELECT tree.ancestor_code AS unit_code, coalesce(sum(u.headcount) FILTER (WHERE u.active), 0) AS headcount
    FROM marts.unit_tree tree
    JOIN ref.units u ON u.code = tree.descendant_code
    GROUP BY tree.ancestor_code
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
LEFT JOIN subtree_headcount hc ON hc.unit_code = cur.unit_code
CROSS JOIN LATERAL (
    SELECT marts.season_start(cur.period_kind, cur.period_start, s.base_year) AS start
) base_period
LEFT JOIN LATERAL (
    SELECT max(b.period_end) AS period_end,
           sum(b.value) FILTER (WHERE b.measure = 'scm_own_minutes') AS own_minutes,
           sum(b.value) FILTER (WHERE b.measure = 'scm_items')       AS items,
           coalesce(sum(b.value) FILTER (WHERE b.measure = 'active_mean'),
                    sum(b.value) FILTER (WHERE b.measure = 'count_mean')) AS mean_level,
           count(*) AS base_rows
    FROM marts.period_values b
    WHERE (b.category, b.period_kind, b.period_start, b.unit_code) = (cur.category, cur.period_kind, base_period.start, cur.unit_code)
) base ON true
LEFT JOIN marts.coverage_now cov
       ON (cov.category, cov.period_kind, cov.period_start) = (cur.category, cur.period_kind, cur.period_start)
LEFT JOIN marts.coverage_now base_cov
       ON (base_cov.category, base_cov.period_kind, base_cov.period_start) = (cur.category, cur.period_kind, base_period.start)
CROSS JOIN LATERAL (
    SELECT marts.scm_hours(cat.kind, cur.own_minutes, cur.items, cur.mean_level, tf.minutes_per_item,
                           least(cur.period_end, current_date) - cur.period_start + 1) AS hours,
           CASE
               WHEN base.base_rows > 0 THEN
                   marts.scm_hours(cat.kind, base.own_minutes, base.items, base.mean_level, tf.minutes_per_item,
                                   base.period_end - base_period.start + 1)
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

-- ---------------------------------------------------------------------------------------------------
-- marts.burden_hours_by_unit: unit x period, all categories, with the composite index
-- ---------------------------------------------------------------------------------------------------

CREATE VIEW marts.burden_hours_by_unit AS
WITH
per_unit AS (
    SELECT
        b.unit_code,
        min(b.unit_name)              AS unit_name,
        min(b.unit_level)             AS unit_level,
        b.period_kind,
        b.period_start,
        max(b.period_end)             AS period_end,
        sum(b.hours)                  AS hours,
        max(b.subtree_headcount)      AS subtree_headcount,
        max(b.working_hours_per_fte)  AS working_hours_per_fte,
        -- Only categories comparable with the base enter the index: both periods covered, a tariff.
        sum(b.hours) FILTER (WHERE b.status IN ('ok', 'base_zero'))                       AS comparable_hours,
        sum(b.base_hours) FILTER (WHERE b.status IN ('ok', 'base_zero'))                  AS base_hours,
        sum(b.index_weight * b.hours) FILTER (WHERE b.status IN ('ok', 'base_zero'))      AS weighted_hours,
        sum(b.index_weight * b.base_hours) FILTER (WHERE b.status IN ('ok', 'base_zero')) AS weighted_base_hours,
        bool_or(b.status = 'incomplete_period')                                            AS incomplete,
        coalesce(array_agg(b.category ORDER BY b.category) FILTER (WHERE b.status = 'insufficient_coverage'), '{}') AS insufficient_categories,
        coalesce(array_agg(b.category ORDER BY b.category) FILTER (WHERE b.status IN ('no_base', 'no_tariff')), '{}') AS excluded_categories
    FROM marts.burden_hours b
    GROUP BY b.unit_code, b.period_kind, b.period_start
)
SELECT
    p.unit_code, p.unit_name, p.unit_level, p.period_kind, p.period_start, p.period_end,
    p.hours,
    p.subtree_headcount,
    p.hours / nullif(p.subtree_headcount, 0)                             AS hours_per_fte,
    p.working_hours_per_fte,
    p.hours / nullif(p.subtree_headcount * p.working_hours_per_fte, 0)   AS share_of_working_time,
    p.comparable_hours,
    p.base_hours,
    CASE WHEN st.status = 'ok' THEN 1 - p.comparable_hours / p.base_hours END AS reduction,
    CASE WHEN st.status = 'ok' THEN 100 * p.weighted_hours / p.weighted_base_hours END AS burden_index,
    p.insufficient_categories,
    p.excluded_categories,
    st.status
FROM per_unit p
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN p.incomplete THEN 'incomplete_period'
               WHEN cardinality(p.insufficient_categories) > 0 THEN 'insufficient_coverage'
               WHEN p.weighted_base_hours IS NULL THEN 'no_base'
               WHEN p.weighted_base_hours = 0 THEN 'base_zero'
               ELSE 'ok'
           END AS status
) st;

COMMENT ON VIEW marts.burden_hours_by_unit IS 'Burden hours of all categories together, and the composite burden index. Grain: unit x period (ISO week, month, quarter, year); the unit''s value includes its subtree. Rank townships with WHERE unit_level = ''township'' ORDER BY hours_per_fte DESC.';
COMMENT ON COLUMN marts.burden_hours_by_unit.unit_code IS 'Unit (ref.units.code); hours include all its descendants.';
COMMENT ON COLUMN marts.burden_hours_by_unit.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.burden_hours_by_unit.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.burden_hours_by_unit.period_kind IS 'week (ISO), month, quarter or year.';
COMMENT ON COLUMN marts.burden_hours_by_unit.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.burden_hours_by_unit.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.burden_hours_by_unit.hours IS 'Burden hours over every category with a tariff (marts.burden_hours.hours summed). Hours.';
COMMENT ON COLUMN marts.burden_hours_by_unit.subtree_headcount IS 'Staff of the unit and its active descendants, FTE.';
COMMENT ON COLUMN marts.burden_hours_by_unit.hours_per_fte IS 'hours / subtree_headcount. Hours per FTE.';
COMMENT ON COLUMN marts.burden_hours_by_unit.working_hours_per_fte IS 'Working hours of one FTE in the period. Hours.';
COMMENT ON COLUMN marts.burden_hours_by_unit.share_of_working_time IS 'hours / (subtree_headcount x working_hours_per_fte): fraction of working time (0.05 = 5%).';
COMMENT ON COLUMN marts.burden_hours_by_unit.comparable_hours IS 'Hours of the categories comparable with the base (status ok or base_zero in marts.burden_hours). Hours.';
COMMENT ON COLUMN marts.burden_hours_by_unit.base_hours IS 'Base-period hours of the same categories, at today''s tariffs. Hours.';
COMMENT ON COLUMN marts.burden_hours_by_unit.reduction IS '1 - comparable_hours / base_hours, fraction (0.30 = 30% fewer hours). NULL unless status = ok.';
COMMENT ON COLUMN marts.burden_hours_by_unit.burden_index IS 'Composite burden index: 100 x sum(weight x hours) / sum(weight x base hours) over the comparable categories; base period = 100, 70 = 30% less weighted burden. NULL unless status = ok.';
COMMENT ON COLUMN marts.burden_hours_by_unit.insufficient_categories IS 'Categories whose current or base coverage is below the threshold; any of them withholds the index.';
COMMENT ON COLUMN marts.burden_hours_by_unit.excluded_categories IS 'Categories left out of the index: no base (e.g. a source added after the base year) or no tariff.';
COMMENT ON COLUMN marts.burden_hours_by_unit.status IS 'ok; incomplete_period; insufficient_coverage (see insufficient_categories); no_base (no category comparable with the base); base_zero (weighted base hours 0).';

-- One view per question: the index alone.
CREATE VIEW marts.burden_index AS
SELECT unit_code, unit_name, unit_level, period_kind, period_start, period_end, burden_index,
       comparable_hours, base_hours, insufficient_categories, excluded_categories, status
FROM marts.burden_hours_by_unit;

COMMENT ON VIEW marts.burden_index IS 'The composite burden index per unit and period (weighted burden hours, base period = 100). Grain: unit x period. Columns as in marts.burden_hours_by_unit.';
DO $do$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT ta.attname AS column_name, col_description(src.attrelid, src.attnum) AS description
        FROM pg_attribute ta
        JOIN pg_attribute src ON src.attrelid = 'marts.burden_hours_by_unit'::regclass AND src.attname = ta.attname
        WHERE ta.attrelid = 'marts.burden_index'::regclass AND ta.attnum > 0
    LOOP
        EXECUTE format('COMMENT ON COLUMN marts.burden_index.%I IS %L', col.column_name, col.description);
    END LOOP;
END
$do$;
