-- V15: disguised-burden signals (domain.md, "Disguised burden"): alerts with their evidence, never a
-- correction of the numbers.
--
-- Signals are computed per unit (its subtree, like every value) and calendar quarter from the stored
-- quarter values, comparing a quarter with the same quarter one year earlier (season removed), except:
--   escalation       per parent unit and quarter, from the units' own task counts (not their subtrees)
--   rebound          a quarter above its base after a reduction in the eight quarters before
--   base_inflation   the base year's last quarter against its first three (period = that quarter)
--   target_heaping   per parent unit, category and year: children's reductions heaped at the target
-- marts.refresh_periods calls marts.refresh_signals for the days it refreshed: the quarters (and years)
-- holding them and those one year later (whose "year before" changed) are recomputed, only ended ones,
-- only where every series involved has coverage at or above the threshold in both periods.

CREATE TABLE ref.signal_thresholds (
    signal       text    NOT NULL,
    key          text    NOT NULL,
    value        numeric NOT NULL,
    description  text    NOT NULL,
    PRIMARY KEY (signal, key)
);

COMMENT ON TABLE ref.signal_thresholds IS 'Thresholds of the disguised-burden signals. Grain: one row per signal and setting. Edit the value to tune a signal; the next refresh of a period uses it.';
COMMENT ON COLUMN ref.signal_thresholds.signal IS 'Signal name (marts.signals.signal).';
COMMENT ON COLUMN ref.signal_thresholds.key IS 'Setting name.';
COMMENT ON COLUMN ref.signal_thresholds.value IS 'Fractions are relative changes (0.20 = 20%); ratios and counts as described.';
COMMENT ON COLUMN ref.signal_thresholds.description IS 'What the setting means.';

INSERT INTO ref.signal_thresholds (signal, key, value, description) VALUES
    ('meetings_online',         'drop',       0.20, 'offline meeting count at least this much lower than a year earlier'),
    ('meetings_online',         'rise',       0.20, 'online meeting minutes at least this much higher'),
    ('meetings_online',         'flat',       0.10, 'total attendee minutes (offline + online) within this much of a year earlier'),
    ('relabelled_documents',    'drop',       0.20, 'formal document count at least this much lower than a year earlier'),
    ('relabelled_documents',    'offset',     0.25, 'the informal increase matches the formal decrease within this fraction of the decrease'),
    ('relabelled_documents',    'flat',       0.10, 'total documents (formal + informal) within this much of a year earlier'),
    ('longer_documents',        'drop',       0.20, 'formal document count at least this much lower than a year earlier'),
    ('longer_documents',        'rise',       0.20, 'pages per formal document at least this much higher'),
    ('inspections_to_requests', 'drop',       0.20, 'on-site inspection count at least this much lower than a year earlier'),
    ('inspections_to_requests', 'rise',       0.20, 'data request count at least this much higher'),
    ('apps_to_groups',          'drop',       0.20, 'mean apps in use at least this much lower than a year earlier'),
    ('apps_to_groups',          'rise',       0.20, 'mean work groups in use, or check-ins, at least this much higher'),
    ('apps_to_groups',          'flat',       0.10, 'apps + work groups per FTE no more than this much lower (flat or up)'),
    ('escalation',              'ratio',      1.20, 'tasks received per child per task issued by the parent at least this (1 = passed on one to one)'),
    ('escalation',              'min_items',  5,    'the parent issued at least this many tasks in the quarter'),
    ('rebound',                 'reduction',  0.20, 'an earlier quarter of the last eight was at least this much below its base'),
    ('rebound',                 'above',      0.00, 'the quarter is more than this fraction above its base (0 = back above base)'),
    ('base_inflation',          'jump',       0.30, 'the base year''s last quarter at least this much above the mean of its first three quarters'),
    ('target_heaping',          'tolerance',  0.005, 'a reduction within this of the target counts as at the target (0.005 = half a percentage point)'),
    ('target_heaping',          'min_units',  3,    'at least this many children at the target'),
    ('target_heaping',          'min_share',  0.50, 'and at least this share of the children with a published reduction');

CREATE TABLE marts.signals (
    signal_id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signal        text        NOT NULL,
    unit_code     text        NOT NULL,
    category      text        NULL,
    period_kind   text        NOT NULL CHECK (period_kind IN ('quarter', 'year')),
    period_start  date        NOT NULL,
    period_end    date        NOT NULL,
    started_on    date        NOT NULL,
    score         numeric     NOT NULL,
    summary       text        NOT NULL,
    computed_at   timestamptz NOT NULL,
    UNIQUE (signal, unit_code, category, period_kind, period_start)
);
CREATE INDEX signals_period_idx ON marts.signals (period_kind, period_start);
CREATE INDEX signals_unit_idx ON marts.signals (unit_code, period_start);

COMMENT ON TABLE marts.signals IS 'Disguised-burden signals: patterns in the counts that suggest burden moved rather than shrank, or figures gamed. Grain: one row per signal x unit x (category) x period. An alert with evidence in marts.signal_evidence, never a correction of the numbers.';
COMMENT ON COLUMN marts.signals.signal_id IS 'Identifier; marts.signal_evidence.signal_id.';
COMMENT ON COLUMN marts.signals.signal IS 'meetings_online, relabelled_documents, longer_documents, inspections_to_requests, apps_to_groups, escalation, rebound, base_inflation, target_heaping (README, ref.signal_thresholds).';
COMMENT ON COLUMN marts.signals.unit_code IS 'Unit the signal is about (its subtree; for escalation and target_heaping the parent unit).';
COMMENT ON COLUMN marts.signals.category IS 'The category concerned for rebound, base_inflation and target_heaping; NULL for signals over several categories.';
COMMENT ON COLUMN marts.signals.period_kind IS 'quarter, or year for target_heaping.';
COMMENT ON COLUMN marts.signals.period_start IS 'First day of the period the signal fired for.';
COMMENT ON COLUMN marts.signals.period_end IS 'Last day of that period.';
COMMENT ON COLUMN marts.signals.started_on IS 'First day of the first period of the unbroken run of periods in which this signal fired for the unit (rebound: the quarter after the lowest one).';
COMMENT ON COLUMN marts.signals.score IS 'Strength: the main moving series'' relative change as a positive fraction (0.45 = 45% drop), the ratio for escalation, the share of children at the target for target_heaping.';
COMMENT ON COLUMN marts.signals.summary IS 'One sentence for dashboards.';
COMMENT ON COLUMN marts.signals.computed_at IS 'UTC time of the refresh that computed it.';

CREATE TABLE marts.signal_evidence (
    signal_id      bigint  NOT NULL REFERENCES marts.signals (signal_id) ON DELETE CASCADE,
    series         text    NOT NULL,
    before_start   date    NULL,
    before_value   numeric NULL,
    after_value    numeric NULL,
    change         numeric NULL,
    PRIMARY KEY (signal_id, series)
);

COMMENT ON TABLE marts.signal_evidence IS 'The series behind a signal, before and after. Grain: one row per signal and series.';
COMMENT ON COLUMN marts.signal_evidence.signal_id IS 'marts.signals.signal_id.';
COMMENT ON COLUMN marts.signal_evidence.series IS 'category/measure (e.g. meeting.offline/count), a derived series (documents/total, pages_per_document, ratio), or a child unit code (target_heaping).';
COMMENT ON COLUMN marts.signal_evidence.before_start IS 'First day of the comparison period (a year earlier; the base period; the lowest earlier quarter).';
COMMENT ON COLUMN marts.signal_evidence.before_value IS 'Value in the comparison period, in the series'' unit (events, minutes, pages, items; a fraction for reductions and targets).';
COMMENT ON COLUMN marts.signal_evidence.after_value IS 'Value in the signal''s period, same unit.';
COMMENT ON COLUMN marts.signal_evidence.change IS 'after_value / before_value - 1, fraction; NULL when before_value is 0 or missing.';

CREATE FUNCTION marts.rel_change(p_after numeric, p_before numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $fn$ SELECT CASE WHEN p_before > 0 THEN p_after / p_before - 1 END $fn$;

COMMENT ON FUNCTION marts.rel_change(numeric, numeric) IS 'after / before - 1, NULL unless before > 0.';

CREATE OR REPLACE FUNCTION marts.refresh_signals(p_from date, p_to date)
RETURNS void
LANGUAGE plpgsql
SET jit = off
AS $fn$
DECLARE
    v_threshold  numeric;
    v_base_year  integer;
BEGIN
    SELECT coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95) INTO v_threshold;
    SELECT value::integer INTO v_base_year FROM ref.indicator_settings WHERE key = 'base_period' AND value ~ '^[0-9]{4}$';

    DROP TABLE IF EXISTS pg_temp.signal_quarters, pg_temp.signal_years, pg_temp.signal_new;

    -- The ended quarters holding the refreshed days, and those a year later; the same for years.
    CREATE TEMP TABLE signal_quarters ON COMMIT DROP AS
    SELECT DISTINCT q.start AS period_start, (q.start + interval '3 months' - interval '1 day')::date AS period_end
    FROM generate_series(date_trunc('quarter', p_from::timestamp), date_trunc('quarter', p_to::timestamp), interval '3 months') AS g
    CROSS JOIN LATERAL (VALUES (g::date), ((g + interval '1 year')::date)) AS q(start)
    WHERE q.start + interval '3 months' - interval '1 day' < current_date;
    CREATE TEMP TABLE signal_years ON COMMIT DROP AS
    SELECT DISTINCT y.start AS period_start, (y.start + interval '1 year' - interval '1 day')::date AS period_end
    FROM generate_series(date_trunc('year', p_from::timestamp), date_trunc('year', p_to::timestamp), interval '1 year') AS g
    CROSS JOIN LATERAL (VALUES (g::date), ((g + interval '1 year')::date)) AS y(start)
    WHERE y.start + interval '1 year' - interval '1 day' < current_date;

    DELETE FROM marts.signals s USING signal_quarters q
    WHERE s.period_kind = 'quarter' AND s.period_start = q.period_start;
    DELETE FROM marts.signals s USING signal_years y
    WHERE s.period_kind = 'year' AND s.period_start = y.period_start;
    -- base_inflation belongs to the base year's last quarter; it is recomputed whenever the base year is.
    IF EXISTS (SELECT 1 FROM signal_years WHERE extract(year FROM period_start) = v_base_year) THEN
        DELETE FROM marts.signals WHERE signal = 'base_inflation';
    END IF;

    CREATE TEMP TABLE signal_new (
        signal       text    NOT NULL,
        unit_code    text    NOT NULL,
        category     text    NULL,
        period_kind  text    NOT NULL,
        period_start date    NOT NULL,
        period_end   date    NOT NULL,
        started_on   date    NULL,
        score        numeric NOT NULL,
        summary      text    NOT NULL,
        evidence     jsonb   NOT NULL
    ) ON COMMIT DROP;

    -- -----------------------------------------------------------------------------------------------
    -- Year-over-year signals over several series of one unit.
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_new (signal, unit_code, period_kind, period_start, period_end, score, summary, evidence)
    WITH
    th AS (
        SELECT signal || '.' || key AS name, value FROM ref.signal_thresholds
    ),
    t AS (
        SELECT
            (SELECT value FROM th WHERE name = 'meetings_online.drop')          AS mo_drop,
            (SELECT value FROM th WHERE name = 'meetings_online.rise')          AS mo_rise,
            (SELECT value FROM th WHERE name = 'meetings_online.flat')          AS mo_flat,
            (SELECT value FROM th WHERE name = 'relabelled_documents.drop')     AS rd_drop,
            (SELECT value FROM th WHERE name = 'relabelled_documents.offset')   AS rd_offset,
            (SELECT value FROM th WHERE name = 'relabelled_documents.flat')     AS rd_flat,
            (SELECT value FROM th WHERE name = 'longer_documents.drop')         AS ld_drop,
            (SELECT value FROM th WHERE name = 'longer_documents.rise')         AS ld_rise,
            (SELECT value FROM th WHERE name = 'inspections_to_requests.drop')  AS ir_drop,
            (SELECT value FROM th WHERE name = 'inspections_to_requests.rise')  AS ir_rise,
            (SELECT value FROM th WHERE name = 'apps_to_groups.drop')           AS ag_drop,
            (SELECT value FROM th WHERE name = 'apps_to_groups.rise')           AS ag_rise,
            (SELECT value FROM th WHERE name = 'apps_to_groups.flat')           AS ag_flat
    ),
    -- The series the signals read, in the quarter (now) and the same quarter a year earlier (before); a
    -- value counts only where its category's coverage met the threshold in that quarter.
    vals AS (
        SELECT v.unit_code, q.period_start AS quarter, q.period_end, v.period_start = q.period_start AS is_now,
               v.category || '/' || v.measure AS series, v.value
        FROM signal_quarters q
        JOIN marts.period_values v
          ON v.period_kind = 'quarter'
         AND v.period_start IN (q.period_start, (q.period_start - interval '1 year')::date)
        JOIN marts.coverage_now c
          ON (c.category, c.period_kind, c.period_start) = (v.category, 'quarter', v.period_start)
        WHERE c.coverage >= v_threshold
          AND v.category || '/' || v.measure IN (
              'meeting.offline/count', 'meeting.online/minutes', 'meeting.offline/attendee_minutes',
              'meeting.online/attendee_minutes', 'document.formal/count', 'document.informal/count',
              'document.formal/pages', 'inspection.onsite/count', 'data_request/count',
              'digital_tool.app/active_mean', 'digital_tool.work_group/active_mean', 'check_in/count')
    ),
    p AS (
        SELECT unit_code, quarter, max(period_end) AS period_end,
               max(value) FILTER (WHERE is_now     AND series = 'meeting.offline/count')              AS off_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'meeting.offline/count')              AS off_b,
               max(value) FILTER (WHERE is_now     AND series = 'meeting.online/minutes')             AS onmin_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'meeting.online/minutes')             AS onmin_b,
               sum(value) FILTER (WHERE is_now     AND series LIKE 'meeting.%/attendee_minutes')      AS att_n,
               sum(value) FILTER (WHERE NOT is_now AND series LIKE 'meeting.%/attendee_minutes')      AS att_b,
               max(value) FILTER (WHERE is_now     AND series = 'document.formal/count')              AS formal_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'document.formal/count')              AS formal_b,
               max(value) FILTER (WHERE is_now     AND series = 'document.informal/count')            AS informal_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'document.informal/count')            AS informal_b,
               max(value) FILTER (WHERE is_now     AND series = 'document.formal/pages')              AS pages_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'document.formal/pages')              AS pages_b,
               max(value) FILTER (WHERE is_now     AND series = 'inspection.onsite/count')            AS onsite_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'inspection.onsite/count')            AS onsite_b,
               max(value) FILTER (WHERE is_now     AND series = 'data_request/count')                 AS req_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'data_request/count')                 AS req_b,
               max(value) FILTER (WHERE is_now     AND series = 'digital_tool.app/active_mean')       AS apps_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'digital_tool.app/active_mean')       AS apps_b,
               max(value) FILTER (WHERE is_now     AND series = 'digital_tool.work_group/active_mean') AS groups_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'digital_tool.work_group/active_mean') AS groups_b,
               max(value) FILTER (WHERE is_now     AND series = 'check_in/count')                     AS chk_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'check_in/count')                     AS chk_b
        FROM vals
        GROUP BY unit_code, quarter
    )
    -- Meetings moved online without saving time.
    SELECT 'meetings_online', p.unit_code, 'quarter', p.quarter, p.period_end,
           1 - p.off_n / p.off_b,
           format('Offline meetings %s%% while online meeting minutes %s and total attendee minutes %s%% against a year earlier',
                  round(100 * marts.rel_change(p.off_n, p.off_b)), coalesce(round(100 * marts.rel_change(p.onmin_n, p.onmin_b)) || '%', 'rose from 0'),
                  round(100 * marts.rel_change(p.att_n, p.att_b))),
           jsonb_build_array(
               jsonb_build_object('series', 'meeting.offline/count', 'before', p.off_b, 'after', p.off_n),
               jsonb_build_object('series', 'meeting.online/minutes', 'before', coalesce(p.onmin_b, 0), 'after', p.onmin_n),
               jsonb_build_object('series', 'meeting.*/attendee_minutes', 'before', p.att_b, 'after', p.att_n))
    FROM p CROSS JOIN t
    WHERE p.off_b > 0 AND p.off_n <= p.off_b * (1 - t.mo_drop)
      AND p.onmin_n > coalesce(p.onmin_b, 0) * (1 + t.mo_rise)
      AND p.att_b > 0 AND abs(p.att_n - p.att_b) <= t.mo_flat * p.att_b
    UNION ALL
    -- Relabelling: formal down, informal up by about as much, the total flat.
    SELECT 'relabelled_documents', p.unit_code, 'quarter', p.quarter, p.period_end,
           1 - p.formal_n / p.formal_b,
           format('Formal documents %s (%s%%) while informal documents rose %s: the total is flat',
                  p.formal_n - p.formal_b, round(100 * marts.rel_change(p.formal_n, p.formal_b)), coalesce(p.informal_n, 0) - coalesce(p.informal_b, 0)),
           jsonb_build_array(
               jsonb_build_object('series', 'document.formal/count', 'before', p.formal_b, 'after', p.formal_n),
               jsonb_build_object('series', 'document.informal/count', 'before', coalesce(p.informal_b, 0), 'after', p.informal_n),
               jsonb_build_object('series', 'documents/total', 'before', p.formal_b + coalesce(p.informal_b, 0), 'after', p.formal_n + p.informal_n))
    FROM p CROSS JOIN t
    WHERE p.formal_b > 0 AND p.formal_n <= p.formal_b * (1 - t.rd_drop)
      AND p.informal_n IS NOT NULL
      AND abs((p.informal_n - coalesce(p.informal_b, 0)) - (p.formal_b - p.formal_n)) <= t.rd_offset * (p.formal_b - p.formal_n)
      AND abs((p.formal_n + p.informal_n) - (p.formal_b + coalesce(p.informal_b, 0))) <= t.rd_flat * (p.formal_b + coalesce(p.informal_b, 0))
    UNION ALL
    -- Fewer but longer (merged) documents.
    SELECT 'longer_documents', p.unit_code, 'quarter', p.quarter, p.period_end,
           marts.rel_change(p.pages_n / p.formal_n, p.pages_b / p.formal_b),
           format('Formal documents %s%% while pages per document rose from %s to %s',
                  round(100 * marts.rel_change(p.formal_n, p.formal_b)), round(p.pages_b / p.formal_b, 1), round(p.pages_n / p.formal_n, 1)),
           jsonb_build_array(
               jsonb_build_object('series', 'document.formal/count', 'before', p.formal_b, 'after', p.formal_n),
               jsonb_build_object('series', 'document.formal/pages', 'before', p.pages_b, 'after', p.pages_n),
               jsonb_build_object('series', 'pages_per_document', 'before', p.pages_b / p.formal_b, 'after', p.pages_n / p.formal_n))
    FROM p CROSS JOIN t
    WHERE p.formal_b > 0 AND p.formal_n > 0 AND p.formal_n <= p.formal_b * (1 - t.ld_drop)
      AND p.pages_b > 0 AND p.pages_n / p.formal_n >= (p.pages_b / p.formal_b) * (1 + t.ld_rise)
    UNION ALL
    -- Inspections replaced by data requests through chat groups.
    SELECT 'inspections_to_requests', p.unit_code, 'quarter', p.quarter, p.period_end,
           1 - p.onsite_n / p.onsite_b,
           format('On-site inspections %s%% while data requests %s',
                  round(100 * marts.rel_change(p.onsite_n, p.onsite_b)), coalesce(round(100 * marts.rel_change(p.req_n, p.req_b)) || '%', 'rose from 0')),
           jsonb_build_array(
               jsonb_build_object('series', 'inspection.onsite/count', 'before', p.onsite_b, 'after', p.onsite_n),
               jsonb_build_object('series', 'data_request/count', 'before', coalesce(p.req_b, 0), 'after', p.req_n),
               jsonb_build_object('series', 'requests_per_inspection', 'before', coalesce(p.req_b, 0) / p.onsite_b,
                                  'after', CASE WHEN p.onsite_n > 0 THEN p.req_n / p.onsite_n END))
    FROM p CROSS JOIN t
    WHERE p.onsite_b > 0 AND p.onsite_n <= p.onsite_b * (1 - t.ir_drop)
      AND p.req_n > coalesce(p.req_b, 0) * (1 + t.ir_rise)
    UNION ALL
    -- Apps cut, but work groups and check-ins grow: tools per FTE flat.
    SELECT 'apps_to_groups', p.unit_code, 'quarter', p.quarter, p.period_end,
           1 - p.apps_n / p.apps_b,
           format('Apps in use %s%% while work groups %s and check-ins %s; apps + groups %s%%',
                  round(100 * marts.rel_change(p.apps_n, p.apps_b)),
                  coalesce(round(100 * marts.rel_change(p.groups_n, p.groups_b)) || '%', 'n/a'),
                  coalesce(round(100 * marts.rel_change(p.chk_n, p.chk_b)) || '%', 'n/a'),
                  round(100 * marts.rel_change(p.apps_n + coalesce(p.groups_n, 0), p.apps_b + coalesce(p.groups_b, 0)))),
           jsonb_build_array(
               jsonb_build_object('series', 'digital_tool.app/active_mean', 'before', p.apps_b, 'after', p.apps_n),
               jsonb_build_object('series', 'digital_tool.work_group/active_mean', 'before', p.groups_b, 'after', p.groups_n),
               jsonb_build_object('series', 'check_in/count', 'before', p.chk_b, 'after', p.chk_n),
               jsonb_build_object('series', 'tools/total', 'before', p.apps_b + coalesce(p.groups_b, 0), 'after', p.apps_n + coalesce(p.groups_n, 0)))
    FROM p CROSS JOIN t
    WHERE p.apps_b > 0 AND p.apps_n <= p.apps_b * (1 - t.ag_drop)
      AND (p.groups_n > coalesce(p.groups_b, 0) * (1 + t.ag_rise) OR p.chk_n > coalesce(p.chk_b, 0) * (1 + t.ag_rise))
      AND p.apps_n + coalesce(p.groups_n, 0) >= (p.apps_b + coalesce(p.groups_b, 0)) * (1 - t.ag_flat);

    -- -----------------------------------------------------------------------------------------------
    -- Escalation down the tree (层层加码): tasks received per child per task the parent issued, from the
    -- units' own counts (a unit's value minus its children's).
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_new (signal, unit_code, period_kind, period_start, period_end, score, summary, evidence)
    WITH
    t AS (
        SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'escalation' AND key = 'ratio') AS ratio,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'escalation' AND key = 'min_items') AS min_items
    ),
    rolled AS (
        SELECT v.unit_code, q.period_start AS quarter, q.period_end, v.period_start = q.period_start AS is_now,
               v.category, v.value
        FROM signal_quarters q
        JOIN marts.period_values v
          ON v.period_kind = 'quarter' AND v.period_start IN (q.period_start, (q.period_start - interval '1 year')::date)
        JOIN marts.coverage_now c ON (c.category, c.period_kind, c.period_start) = (v.category, 'quarter', v.period_start)
        WHERE v.category IN ('task.issued', 'task.received') AND v.measure = 'count' AND c.coverage >= v_threshold
    ),
    -- Own = the unit's subtree value minus its children's subtree values.
    own AS (
        SELECT r.unit_code, r.quarter, r.period_end, r.is_now, r.category,
               r.value - coalesce((SELECT sum(c.value) FROM rolled c
                                   JOIN ref.units cu ON cu.code = c.unit_code AND cu.parent_code = r.unit_code
                                   WHERE (c.quarter, c.is_now, c.category) = (r.quarter, r.is_now, r.category)), 0) AS value
        FROM rolled r
    ),
    per_parent AS (
        SELECT parent.unit_code, parent.quarter, parent.period_end, parent.is_now,
               parent.value AS issued,
               (SELECT count(*) FROM ref.units cu WHERE cu.parent_code = parent.unit_code AND cu.active) AS children,
               (SELECT sum(ch.value) FROM own ch JOIN ref.units cu ON cu.code = ch.unit_code AND cu.parent_code = parent.unit_code
                WHERE (ch.quarter, ch.is_now, ch.category) = (parent.quarter, parent.is_now, 'task.received')) AS received
        FROM own parent
        WHERE parent.category = 'task.issued' AND parent.value > 0
    ),
    ratios AS (
        SELECT n.unit_code, n.quarter, n.period_end, n.issued, n.children, n.received,
               n.received / (n.children * n.issued) AS ratio,
               b.issued AS issued_b, b.received AS received_b,
               CASE WHEN b.issued > 0 AND b.children > 0 THEN b.received / (b.children * b.issued) END AS ratio_b
        FROM per_parent n
        LEFT JOIN per_parent b ON (b.unit_code, b.quarter, b.is_now) = (n.unit_code, n.quarter, false)
        WHERE n.is_now AND n.children > 0 AND n.received IS NOT NULL
    )
    SELECT 'escalation', r.unit_code, 'quarter', r.quarter, r.period_end, r.ratio,
           format('Each of %s children received %s tasks per task the unit issued (%s issued, %s received)%s',
                  r.children, round(r.ratio, 2), r.issued, r.received,
                  coalesce(', up from ' || round(r.ratio_b, 2) || ' a year earlier', '')),
           jsonb_build_array(
               jsonb_build_object('series', 'task.issued/count (own)', 'before', r.issued_b, 'after', r.issued),
               jsonb_build_object('series', 'task.received/count (children, own)', 'before', r.received_b, 'after', r.received),
               jsonb_build_object('series', 'received_per_child_per_issued', 'before', r.ratio_b, 'after', r.ratio))
    FROM ratios r CROSS JOIN t
    WHERE r.issued >= t.min_items AND r.ratio >= t.ratio AND (r.ratio_b IS NULL OR r.ratio_b < r.ratio);

    -- -----------------------------------------------------------------------------------------------
    -- Rebound after a campaign: back above base within two years of a real reduction.
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_new (signal, unit_code, category, period_kind, period_start, period_end, started_on, score, summary, evidence)
    WITH
    t AS (
        SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'rebound' AND key = 'reduction') AS reduction,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'rebound' AND key = 'above') AS above
    ),
    -- Every quarter's count of a flow with its base (same quarter of the base year), both covered.
    q AS (
        SELECT v.unit_code, v.category, v.period_start, v.period_end, v.value, b.value AS base_value
        FROM marts.period_values v
        JOIN ref.categories cat ON cat.category = v.category AND cat.kind = 'flow'
        JOIN marts.period_values b
          ON (b.unit_code, b.category, b.measure, b.period_kind, b.period_start)
           = (v.unit_code, v.category, v.measure, 'quarter', marts.season_start('quarter', v.period_start, v_base_year))
        JOIN marts.coverage_now c ON (c.category, c.period_kind, c.period_start) = (v.category, 'quarter', v.period_start)
        JOIN marts.coverage_now bc ON (bc.category, bc.period_kind, bc.period_start) = (v.category, 'quarter', b.period_start)
        WHERE v.period_kind = 'quarter' AND v.measure = 'count'
          AND v.period_start >= (SELECT min(period_start) - interval '2 years' FROM signal_quarters)
          AND extract(year FROM v.period_start) > v_base_year
          AND c.coverage >= v_threshold AND bc.coverage >= v_threshold AND b.value > 0
    ),
    lowest AS (
        SELECT DISTINCT ON (now_q.unit_code, now_q.category, now_q.period_start)
               now_q.unit_code, now_q.category, now_q.period_start, now_q.period_end, now_q.value, now_q.base_value,
               low.period_start AS low_start, low.value AS low_value, low.base_value AS low_base,
               1 - low.value / low.base_value AS low_reduction
        FROM q now_q
        JOIN signal_quarters sq ON sq.period_start = now_q.period_start
        JOIN q low ON (low.unit_code, low.category) = (now_q.unit_code, now_q.category)
                  AND low.period_start >= now_q.period_start - interval '2 years'
                  AND low.period_start < now_q.period_start
        ORDER BY now_q.unit_code, now_q.category, now_q.period_start, low.value / low.base_value, low.period_start
    )
    SELECT 'rebound', l.unit_code, l.category, 'quarter', l.period_start, l.period_end,
           (l.low_start + interval '3 months')::date,
           marts.rel_change(l.value, l.base_value),
           format('%s back %s%% above base (%s vs %s) after a %s%% reduction in the quarter from %s',
                  l.category, round(100 * marts.rel_change(l.value, l.base_value)), l.value, l.base_value,
                  round(100 * l.low_reduction), l.low_start),
           jsonb_build_array(
               jsonb_build_object('series', l.category || '/count (lowest quarter vs its base)', 'start', l.low_start, 'before', l.low_base, 'after', l.low_value),
               jsonb_build_object('series', l.category || '/count (this quarter vs its base)', 'before', l.base_value, 'after', l.value))
    FROM lowest l CROSS JOIN t
    WHERE l.low_reduction >= t.reduction AND l.value > l.base_value * (1 + t.above);

    -- -----------------------------------------------------------------------------------------------
    -- Base inflated just before the policy date: the base year's last quarter against its first three.
    -- -----------------------------------------------------------------------------------------------
    IF EXISTS (SELECT 1 FROM signal_years WHERE extract(year FROM period_start) = v_base_year) THEN
        INSERT INTO signal_new (signal, unit_code, category, period_kind, period_start, period_end, score, summary, evidence)
        WITH
        t AS (SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'base_inflation' AND key = 'jump') AS jump),
        q AS (
            SELECT v.unit_code, v.category,
                   max(v.value) FILTER (WHERE v.period_start = make_date(v_base_year, 10, 1)) AS last_q,
                   avg(v.value) FILTER (WHERE v.period_start < make_date(v_base_year, 10, 1)) AS first_three,
                   count(*) FILTER (WHERE v.period_start < make_date(v_base_year, 10, 1)) AS n
            FROM marts.period_values v
            JOIN ref.categories cat ON cat.category = v.category AND cat.kind = 'flow'
            JOIN marts.coverage_now c ON (c.category, c.period_kind, c.period_start) = (v.category, 'quarter', v.period_start)
            WHERE v.period_kind = 'quarter' AND v.measure = 'count'
              AND v.period_start BETWEEN make_date(v_base_year, 1, 1) AND make_date(v_base_year, 10, 1)
              AND c.coverage >= v_threshold
            GROUP BY v.unit_code, v.category
        )
        SELECT 'base_inflation', q.unit_code, q.category, 'quarter', make_date(v_base_year, 10, 1), make_date(v_base_year, 12, 31),
               marts.rel_change(q.last_q, q.first_three),
               format('%s in the last quarter of base year %s was %s, %s%% above the mean %s of its first three quarters',
                      q.category, v_base_year, q.last_q, round(100 * marts.rel_change(q.last_q, q.first_three)), round(q.first_three, 1)),
               jsonb_build_array(
                   jsonb_build_object('series', q.category || '/count (mean of Q1-Q3)', 'start', make_date(v_base_year, 1, 1),
                                      'before', q.first_three, 'after', q.last_q))
        FROM q CROSS JOIN t
        WHERE q.n = 3 AND q.first_three > 0 AND q.last_q >= q.first_three * (1 + t.jump);
    END IF;

    -- -----------------------------------------------------------------------------------------------
    -- Reported reductions heaping at exactly the target, among a parent's children, per year.
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_new (signal, unit_code, category, period_kind, period_start, period_end, score, summary, evidence)
    WITH
    t AS (
        SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'target_heaping' AND key = 'tolerance') AS tolerance,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'target_heaping' AND key = 'min_units') AS min_units,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'target_heaping' AND key = 'min_share') AS min_share
    ),
    children AS (
        SELECT u.parent_code, i.unit_code, i.category, i.period_start, i.period_end, i.reduction, i.target_reduction
        FROM signal_years y
        JOIN marts.yearly_indicators i ON i.period_start = y.period_start
        JOIN ref.units u ON u.code = i.unit_code
        WHERE i.measure = 'count' AND i.status = 'ok' AND i.target_reduction IS NOT NULL AND u.parent_code IS NOT NULL
    ),
    per_parent AS (
        SELECT c.parent_code, c.category, c.period_start, max(c.period_end) AS period_end, max(c.target_reduction) AS target,
               count(*) AS published,
               count(*) FILTER (WHERE abs(c.reduction - c.target_reduction) <= t.tolerance) AS at_target,
               jsonb_agg(jsonb_build_object('series', c.unit_code, 'before', c.target_reduction, 'after', c.reduction)
                         ORDER BY c.unit_code) FILTER (WHERE abs(c.reduction - c.target_reduction) <= t.tolerance) AS evidence
        FROM children c CROSS JOIN t
        GROUP BY c.parent_code, c.category, c.period_start
    )
    SELECT 'target_heaping', p.parent_code, p.category, 'year', p.period_start, p.period_end,
           p.at_target::numeric / p.published,
           format('%s of %s units below report a %s reduction within %s points of the %s%% target',
                  p.at_target, p.published, p.category, 100 * t.tolerance, round(100 * p.target)),
           p.evidence
    FROM per_parent p CROSS JOIN t
    WHERE p.at_target >= t.min_units AND p.at_target::numeric / p.published >= t.min_share;

    -- -----------------------------------------------------------------------------------------------
    -- Store: started_on continues a run from the previous period; the evidence goes to its own table.
    -- -----------------------------------------------------------------------------------------------
    WITH inserted AS (
        INSERT INTO marts.signals (signal, unit_code, category, period_kind, period_start, period_end, started_on, score, summary, computed_at)
        SELECT n.signal, n.unit_code, n.category, n.period_kind, n.period_start, n.period_end,
               coalesce(n.started_on, prev.started_on, n.period_start), n.score, n.summary, now()
        FROM signal_new n
        LEFT JOIN marts.signals prev
               ON (prev.signal, prev.unit_code, prev.period_kind) = (n.signal, n.unit_code, n.period_kind)
              AND prev.category IS NOT DISTINCT FROM n.category
              AND prev.period_start = (n.period_start - CASE n.period_kind WHEN 'quarter' THEN interval '3 months' ELSE interval '1 year' END)::date
        RETURNING signal_id, signal, unit_code, category, period_kind, period_start
    )
    INSERT INTO marts.signal_evidence (signal_id, series, before_start, before_value, after_value, change)
    SELECT i.signal_id, e.series,
           coalesce(e.start, CASE WHEN n.signal IN ('target_heaping') THEN NULL
                                  ELSE (n.period_start - interval '1 year')::date END),
           e.before, e.after, marts.rel_change(e.after, e.before)
    FROM inserted i
    JOIN signal_new n ON (n.signal, n.unit_code, n.period_kind, n.period_start) = (i.signal, i.unit_code, i.period_kind, i.period_start)
                     AND n.category IS NOT DISTINCT FROM i.category
    CROSS JOIN LATERAL jsonb_to_recordset(n.evidence) AS e(series text, start date, before numeric, after numeric);

    DROP TABLE signal_quarters, signal_years, signal_new;
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_signals(date, date) IS 'Recomputes marts.signals (and their evidence) for the ended quarters and years holding [p_from, p_to] and those one year later; base_inflation when the base year is among them. Called by marts.refresh_periods at the end of every refresh, inside the load transaction.';

-- The signals dashboards list, with the evidence in one readable line.
CREATE VIEW marts.signals_with_evidence AS
SELECT s.signal_id, s.signal, s.unit_code, u.name AS unit_name, u.level AS unit_level, s.category,
       s.period_kind, s.period_start, s.period_end, s.started_on, s.score, s.summary,
       (SELECT string_agg(format('%s: %s -> %s%s', e.series, round(e.before_value, 2), round(e.after_value, 2),
                                 coalesce(' (' || round(100 * e.change) || '%)', '')), '; ' ORDER BY e.series)
        FROM marts.signal_evidence e WHERE e.signal_id = s.signal_id) AS evidence,
       s.computed_at
FROM marts.signals s
LEFT JOIN ref.units u ON u.code = s.unit_code;

COMMENT ON VIEW marts.signals_with_evidence IS 'marts.signals with the unit''s name and level and the evidence as one line ("series: before -> after (change%)"). Grain: one row per signal.';
COMMENT ON COLUMN marts.signals_with_evidence.signal_id IS 'marts.signals.signal_id.';
COMMENT ON COLUMN marts.signals_with_evidence.signal IS 'Signal name (see marts.signals).';
COMMENT ON COLUMN marts.signals_with_evidence.unit_code IS 'Unit the signal is about.';
COMMENT ON COLUMN marts.signals_with_evidence.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.signals_with_evidence.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.signals_with_evidence.category IS 'Category concerned (rebound, base_inflation, target_heaping); NULL otherwise.';
COMMENT ON COLUMN marts.signals_with_evidence.period_kind IS 'quarter or year.';
COMMENT ON COLUMN marts.signals_with_evidence.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.signals_with_evidence.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.signals_with_evidence.started_on IS 'First day of the unbroken run of periods with this signal.';
COMMENT ON COLUMN marts.signals_with_evidence.score IS 'Strength (see marts.signals.score).';
COMMENT ON COLUMN marts.signals_with_evidence.summary IS 'One sentence.';
COMMENT ON COLUMN marts.signals_with_evidence.evidence IS 'Every evidence series as "series: before -> after (change%)", values in the series'' units.';
COMMENT ON COLUMN marts.signals_with_evidence.computed_at IS 'UTC time of the refresh that computed it.';
