CREATE FUNCTION marts.refresh_signals(p_from date, p_to date)
RETURNS void
LANGUAGE plpgsql
SET jit = off
-- The signals read the marts the refresh has just written, before autovacuum has analyzed them: with no
-- statistics the planner takes a quarter's thousands of series for one row and joins them with themselves
-- in nested loops (a minute after a backfill of two years; hash joins take seconds, and no longer at a
-- daily refresh's size).
SET enable_nestloop = off
AS $fn$
DECLARE
    v_threshold  numeric;
    v_base_year  integer;
    v_value_quarter_starts date[];
BEGIN
    SELECT coalesce((SELECT value::numeric FROM ref.indicator_settings WHERE key = 'coverage_threshold'), 0.95) INTO v_threshold;
    SELECT value::integer INTO v_base_year FROM ref.indicator_settings WHERE key = 'base_period' AND value ~ '^[0-9]{4}$';

    DROP TABLE IF EXISTS pg_temp.signal_quarters, pg_temp.signal_years, pg_temp.signal_value_quarters,
                         pg_temp.signal_values, pg_temp.signal_cand, pg_temp.signal_new;

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
    -- plpgsql_check pragmas: a static check cannot see tables created at run time, so each temp table is
    -- declared to it here (with the columns the CREATE above produces). At run time a pragma is a constant
    -- string PERFORM: it needs no extension and does nothing.
    PERFORM 'PRAGMA:TABLE: signal_quarters (period_start date, period_end date)';
    PERFORM 'PRAGMA:TABLE: signal_years (period_start date, period_end date)';
    -- No ended quarter or year among the refreshed days (a service round re-pulling the running quarter's
    -- days): no signal can change, and reading every unit's quarters would cost the round seconds.
    IF NOT EXISTS (SELECT 1 FROM signal_quarters) AND NOT EXISTS (SELECT 1 FROM signal_years) THEN
        DROP TABLE signal_quarters, signal_years;
        RETURN;
    END IF;

    DELETE FROM marts.signals s USING signal_quarters q
    WHERE s.period_kind = 'quarter' AND s.period_start = q.period_start;
    DELETE FROM marts.signals s USING signal_years y
    WHERE s.period_kind = 'year' AND s.period_start = y.period_start;
    -- base_inflation belongs to the base year's last quarter; it is recomputed whenever the base year is.
    IF EXISTS (SELECT 1 FROM signal_years WHERE extract(year FROM period_start) = v_base_year) THEN
        DELETE FROM marts.signals WHERE signal = 'base_inflation';
    END IF;

    -- -----------------------------------------------------------------------------------------------
    -- The quarter values every signal reads, in two scopes, read once. A value counts only where its
    -- category's coverage met the threshold in that quarter; covered_days is its exposure in the tests.
    --   subtree  marts.period_values of a unit with descendants (the unit and everything below it)
    --   own      the unit's own facts: marts.period_values for a leaf unit (own = subtree), and for a unit
    --            with descendants its own rows of facts.daily, 0 in covered quarters without any
    -- Quarters: the signal quarters, a year before each, the eight before each (rebound), the base year's.
    -- -----------------------------------------------------------------------------------------------
    CREATE TEMP TABLE signal_value_quarters ON COMMIT DROP AS
    SELECT c.category, c.period_start, c.period_end, c.covered_days
    FROM (SELECT q.period_start FROM signal_quarters q
          UNION SELECT (q.period_start - k * interval '3 months')::date FROM signal_quarters q CROSS JOIN generate_series(1, 8) AS k
          UNION SELECT make_date(v_base_year, m, 1) FROM generate_series(1, 10, 3) AS m WHERE v_base_year IS NOT NULL) AS w(period_start)
    JOIN marts.coverage_now c ON c.period_kind = 'quarter' AND c.period_start = w.period_start
    WHERE c.coverage >= v_threshold;
    PERFORM 'PRAGMA:TABLE: signal_value_quarters (category text, period_start date, period_end date, covered_days integer)';
    -- As a parameter the quarters reach every branch of marts.period_values: joined only through
    -- signal_value_quarters, the derived zeros of all quarters of the history were computed and discarded.
    v_value_quarter_starts := ARRAY(SELECT DISTINCT w.period_start FROM signal_value_quarters w);

    CREATE TEMP TABLE signal_values (
        unit_code    text    NOT NULL,
        scope        text    NOT NULL,
        is_subtree   boolean NOT NULL,
        category     text    NOT NULL,
        measure      text    NOT NULL,
        period_start date    NOT NULL,
        value        numeric NOT NULL,
        covered_days integer NOT NULL
    ) ON COMMIT DROP;
    PERFORM 'PRAGMA:TABLE: signal_values (unit_code text, scope text, is_subtree boolean, category text, measure text, '
            'period_start date, value numeric, covered_days integer)';

    INSERT INTO signal_values (unit_code, scope, is_subtree, category, measure, period_start, value, covered_days)
    SELECT v.unit_code, CASE WHEN p.code IS NULL THEN 'own' ELSE 'subtree' END, true,
           v.category, v.measure, v.period_start, v.value, w.covered_days
    FROM signal_value_quarters w
    JOIN marts.period_values v ON v.period_kind = 'quarter' AND v.period_start = w.period_start AND v.category = w.category
    JOIN ref.categories cat ON cat.category = v.category
    LEFT JOIN (SELECT DISTINCT parent_code AS code FROM ref.units WHERE parent_code IS NOT NULL) p ON p.code = v.unit_code
    WHERE v.value IS NOT NULL
      AND v.period_start = ANY (v_value_quarter_starts)
      AND ((cat.kind = 'flow' AND v.measure = 'count')
           OR v.category || '/' || v.measure IN ('meeting.online/minutes', 'meeting.offline/attendee_minutes', 'meeting.online/attendee_minutes',
                                                 'document.formal/pages', 'digital_tool.app/active_mean', 'digital_tool.work_group/active_mean'));

    INSERT INTO signal_values (unit_code, scope, is_subtree, category, measure, period_start, value, covered_days)
    WITH
    parents AS (SELECT DISTINCT parent_code AS code FROM ref.units WHERE parent_code IS NOT NULL),
    own AS (
        SELECT f.unit_code, f.category, CASE WHEN cat.kind = 'stock' THEN f.measure || '_mean' ELSE f.measure END AS measure,
               cat.kind, date_trunc('quarter', f.day)::date AS period_start, sum(f.value) AS total
        FROM facts.daily f
        JOIN parents p ON p.code = f.unit_code
        JOIN ref.categories cat ON cat.category = f.category
        WHERE f.day BETWEEN (SELECT min(period_start) FROM signal_value_quarters) AND (SELECT max(period_end) FROM signal_value_quarters)
          AND ((cat.kind = 'flow' AND f.measure = 'count')
               OR f.category || '/' || f.measure IN ('meeting.online/minutes', 'meeting.offline/attendee_minutes', 'meeting.online/attendee_minutes',
                                                     'document.formal/pages', 'digital_tool.app/active', 'digital_tool.work_group/active'))
        GROUP BY f.unit_code, f.category, 3, cat.kind, 5
    ),
    series AS (SELECT DISTINCT unit_code, category, measure, kind FROM own)
    SELECT s.unit_code, 'own', false, s.category, s.measure, w.period_start,
           -- A stock's own mean is its daily level summed over the quarter's complete days, per complete day.
           CASE WHEN s.kind = 'stock' THEN coalesce(o.total, 0) / w.covered_days ELSE coalesce(o.total, 0) END,
           w.covered_days
    FROM series s
    JOIN signal_value_quarters w ON w.category = s.category
    LEFT JOIN own o ON (o.unit_code, o.category, o.measure, o.period_start) = (s.unit_code, s.category, s.measure, w.period_start)
    WHERE w.covered_days > 0 OR s.kind = 'flow';
    ANALYZE signal_values;

    -- Candidates, one per signal, unit and scope that passed every threshold and its test; main_* name the
    -- series a child's signal is compared with its parent's on (grouping, below).
    CREATE TEMP TABLE signal_cand (
        signal            text             NOT NULL,
        unit_code         text             NOT NULL,
        scope             text             NOT NULL,
        category          text             NULL,
        period_kind       text             NOT NULL,
        period_start      date             NOT NULL,
        period_end        date             NOT NULL,
        started_on        date             NULL,
        p_value           double precision NOT NULL,
        effect            numeric          NOT NULL,
        summary           text             NOT NULL,
        summary_zh        text             NOT NULL,
        evidence          jsonb            NOT NULL,
        main_series       text             NULL,
        main_dir          integer          NULL,
        main_before_from  date             NULL,
        main_before_to    date             NULL,
        main_after_start  date             NULL,
        main_before       numeric          NULL,
        main_after        numeric          NULL
    ) ON COMMIT DROP;
    PERFORM 'PRAGMA:TABLE: signal_cand (signal text, unit_code text, scope text, category text, period_kind text, '
            'period_start date, period_end date, started_on date, p_value double precision, effect numeric, summary text, '
            'summary_zh text, evidence jsonb, main_series text, main_dir integer, main_before_from date, main_before_to date, '
            'main_after_start date, main_before numeric, main_after numeric)';

    -- -----------------------------------------------------------------------------------------------
    -- Year-over-year signals over several series of one unit, in each scope. Each needs its main series'
    -- volume a year earlier (min_volume) and a change beyond chance (p_value <= p_max).
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_cand (signal, unit_code, scope, period_kind, period_start, period_end, p_value, effect, summary, summary_zh, evidence,
                             main_series, main_dir, main_before_from, main_before_to, main_after_start, main_before, main_after)
    WITH
    th AS (
        SELECT signal || '.' || key AS name, value FROM ref.signal_thresholds
    ),
    t AS (
        SELECT
            (SELECT value FROM th WHERE name = 'meetings_online.drop')             AS mo_drop,
            (SELECT value FROM th WHERE name = 'meetings_online.rise')             AS mo_rise,
            (SELECT value FROM th WHERE name = 'meetings_online.flat')             AS mo_flat,
            (SELECT value FROM th WHERE name = 'meetings_online.min_volume')       AS mo_min,
            (SELECT value FROM th WHERE name = 'meetings_online.p_max')            AS mo_p,
            (SELECT value FROM th WHERE name = 'relabelled_documents.drop')        AS rd_drop,
            (SELECT value FROM th WHERE name = 'relabelled_documents.offset')      AS rd_offset,
            (SELECT value FROM th WHERE name = 'relabelled_documents.flat')        AS rd_flat,
            (SELECT value FROM th WHERE name = 'relabelled_documents.min_volume')  AS rd_min,
            (SELECT value FROM th WHERE name = 'relabelled_documents.p_max')       AS rd_p,
            (SELECT value FROM th WHERE name = 'longer_documents.drop')            AS ld_drop,
            (SELECT value FROM th WHERE name = 'longer_documents.rise')            AS ld_rise,
            (SELECT value FROM th WHERE name = 'longer_documents.min_volume')      AS ld_min,
            (SELECT value FROM th WHERE name = 'longer_documents.p_max')           AS ld_p,
            (SELECT value FROM th WHERE name = 'inspections_to_requests.drop')     AS ir_drop,
            (SELECT value FROM th WHERE name = 'inspections_to_requests.rise')     AS ir_rise,
            (SELECT value FROM th WHERE name = 'inspections_to_requests.min_volume') AS ir_min,
            (SELECT value FROM th WHERE name = 'inspections_to_requests.p_max')    AS ir_p,
            (SELECT value FROM th WHERE name = 'apps_to_groups.drop')              AS ag_drop,
            (SELECT value FROM th WHERE name = 'apps_to_groups.rise')              AS ag_rise,
            (SELECT value FROM th WHERE name = 'apps_to_groups.flat')              AS ag_flat,
            (SELECT value FROM th WHERE name = 'apps_to_groups.min_volume')        AS ag_min,
            (SELECT value FROM th WHERE name = 'apps_to_groups.p_max')             AS ag_p
    ),
    vals AS (
        SELECT v.unit_code, v.scope, q.period_start AS quarter, q.period_end, w.is_now,
               v.category || '/' || v.measure AS series, v.value, v.covered_days
        FROM signal_quarters q
        CROSS JOIN LATERAL (VALUES (q.period_start, true), ((q.period_start - interval '1 year')::date, false)) AS w(period_start, is_now)
        JOIN signal_values v ON v.period_start = w.period_start
        WHERE v.category || '/' || v.measure IN (
              'meeting.offline/count', 'meeting.online/minutes', 'meeting.offline/attendee_minutes',
              'meeting.online/attendee_minutes', 'document.formal/count', 'document.informal/count',
              'document.formal/pages', 'inspection.onsite/count', 'data_request/count',
              'digital_tool.app/active_mean', 'digital_tool.work_group/active_mean', 'check_in/count')
    ),
    p AS (
        SELECT unit_code, scope, quarter, max(period_end) AS period_end,
               (quarter - interval '1 year')::date AS before_start,
               max(value) FILTER (WHERE is_now     AND series = 'meeting.offline/count')              AS off_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'meeting.offline/count')              AS off_b,
               max(covered_days) FILTER (WHERE is_now     AND series = 'meeting.offline/count')       AS off_dn,
               max(covered_days) FILTER (WHERE NOT is_now AND series = 'meeting.offline/count')       AS off_db,
               max(value) FILTER (WHERE is_now     AND series = 'meeting.online/minutes')             AS onmin_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'meeting.online/minutes')             AS onmin_b,
               sum(value) FILTER (WHERE is_now     AND series LIKE 'meeting.%/attendee_minutes')      AS att_n,
               sum(value) FILTER (WHERE NOT is_now AND series LIKE 'meeting.%/attendee_minutes')      AS att_b,
               max(value) FILTER (WHERE is_now     AND series = 'document.formal/count')              AS formal_n,
               max(value) FILTER (WHERE NOT is_now AND series = 'document.formal/count')              AS formal_b,
               max(covered_days) FILTER (WHERE is_now     AND series = 'document.formal/count')       AS formal_dn,
               max(covered_days) FILTER (WHERE NOT is_now AND series = 'document.formal/count')       AS formal_db,
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
               max(value) FILTER (WHERE NOT is_now AND series = 'check_in/count')                     AS chk_b,
               max(covered_days) FILTER (WHERE is_now     AND series = 'check_in/count')              AS chk_dn,
               max(covered_days) FILTER (WHERE NOT is_now AND series = 'check_in/count')              AS chk_db
        FROM vals
        GROUP BY unit_code, scope, quarter
    ),
    -- Meetings moved online without saving time. Test: the offline drop (exposure: covered days).
    mo AS (
        SELECT p.*, marts.poisson_change_p(p.off_n, p.off_b, p.off_dn, p.off_db) AS p_off
        FROM p CROSS JOIN t
        WHERE p.off_b >= greatest(t.mo_min, 1) AND p.off_n <= p.off_b * (1 - t.mo_drop)
          AND p.onmin_n > coalesce(p.onmin_b, 0) * (1 + t.mo_rise)
          AND p.att_b > 0 AND abs(p.att_n - p.att_b) <= t.mo_flat * p.att_b
    ),
    -- Relabelling: formal down, informal up by about as much, the total flat. Test: the formal share of all
    -- documents fell (formal against the total as exposure: a conservative test of the 2x2 shift).
    rd AS (
        SELECT p.*, p.formal_n + p.informal_n AS total_n, p.formal_b + coalesce(p.informal_b, 0) AS total_b,
               marts.poisson_change_p(p.formal_n, p.formal_b, p.formal_n + p.informal_n, p.formal_b + coalesce(p.informal_b, 0)) AS p_share
        FROM p CROSS JOIN t
        WHERE p.formal_b >= greatest(t.rd_min, 1) AND p.formal_n <= p.formal_b * (1 - t.rd_drop)
          AND p.informal_n > 0
          AND abs((p.informal_n - coalesce(p.informal_b, 0)) - (p.formal_b - p.formal_n)) <= t.rd_offset * (p.formal_b - p.formal_n)
          AND abs((p.formal_n + p.informal_n) - (p.formal_b + coalesce(p.informal_b, 0))) <= t.rd_flat * (p.formal_b + coalesce(p.informal_b, 0))
    ),
    -- Fewer but longer (merged) documents. Tests: the formal drop, and pages per document, with pages counted
    -- in documents of the earlier length (pages of one document are not independent events; this keeps the
    -- test from treating every page as one).
    ld AS (
        SELECT p.*, marts.poisson_change_p(p.formal_n, p.formal_b, p.formal_dn, p.formal_db) AS p_formal,
               marts.poisson_change_p(p.pages_n / (p.pages_b / p.formal_b), p.formal_b, p.formal_n, p.formal_b) AS p_length
        FROM p CROSS JOIN t
        WHERE p.formal_b >= greatest(t.ld_min, 1) AND p.formal_n > 0 AND p.formal_n <= p.formal_b * (1 - t.ld_drop)
          AND p.pages_b > 0 AND p.pages_n / p.formal_n >= (p.pages_b / p.formal_b) * (1 + t.ld_rise)
    ),
    -- Inspections replaced by data requests. Test: the on-site share of on-site inspections + data requests fell.
    ir AS (
        SELECT p.*, marts.poisson_change_p(p.onsite_n, p.onsite_b, p.onsite_n + p.req_n, p.onsite_b + coalesce(p.req_b, 0)) AS p_share
        FROM p CROSS JOIN t
        WHERE p.onsite_b >= greatest(t.ir_min, 1) AND p.onsite_n <= p.onsite_b * (1 - t.ir_drop)
          AND p.req_n > coalesce(p.req_b, 0) * (1 + t.ir_rise)
    ),
    -- Apps cut, but work groups and check-ins grow. The mean numbers in use are an inventory, tested as
    -- counts: the apps share of apps + groups fell when groups grew; else the apps drop and the check-in rise.
    ag AS (
        SELECT p.*,
               CASE WHEN p.groups_n > coalesce(p.groups_b, 0) * (1 + t.ag_rise)
                    THEN marts.poisson_change_p(p.apps_n, p.apps_b, p.apps_n + p.groups_n, p.apps_b + coalesce(p.groups_b, 0))
                    ELSE greatest(marts.poisson_change_p(p.apps_n, p.apps_b),
                                  marts.poisson_change_p(p.chk_n, coalesce(p.chk_b, 0), p.chk_dn, coalesce(p.chk_db, p.chk_dn)))
               END AS p_shift
        FROM p CROSS JOIN t
        WHERE p.apps_b >= greatest(t.ag_min, 0.001) AND p.apps_n <= p.apps_b * (1 - t.ag_drop)
          AND (p.groups_n > coalesce(p.groups_b, 0) * (1 + t.ag_rise) OR p.chk_n > coalesce(p.chk_b, 0) * (1 + t.ag_rise))
          AND p.apps_n + coalesce(p.groups_n, 0) >= (p.apps_b + coalesce(p.groups_b, 0)) * (1 - t.ag_flat)
    )
    SELECT 'meetings_online', mo.unit_code, mo.scope, 'quarter', mo.quarter, mo.period_end, mo.p_off,
           1 - mo.off_n / mo.off_b,
           format('Offline meetings %s%% while online meeting minutes %s and total attendee minutes %s%% against a year earlier',
                  round(100 * marts.rel_change(mo.off_n, mo.off_b)), coalesce(round(100 * marts.rel_change(mo.onmin_n, mo.onmin_b)) || '%', 'rose from 0'),
                  round(100 * marts.rel_change(mo.att_n, mo.att_b))),
           format('与上年同期相比,线下会议场次变化 %s%%,线上会议时长%s,参会总时长(人·分钟)变化 %s%%',
                  round(100 * marts.rel_change(mo.off_n, mo.off_b)),
                  coalesce('变化 ' || round(100 * marts.rel_change(mo.onmin_n, mo.onmin_b)) || '%', '由 0 起增加'),
                  round(100 * marts.rel_change(mo.att_n, mo.att_b))),
           jsonb_build_array(
               jsonb_build_object('series', 'meeting.offline/count', 'before', mo.off_b, 'after', mo.off_n, 'p', mo.p_off),
               jsonb_build_object('series', 'meeting.online/minutes', 'before', coalesce(mo.onmin_b, 0), 'after', mo.onmin_n),
               jsonb_build_object('series', 'meeting.*/attendee_minutes', 'before', mo.att_b, 'after', mo.att_n)),
           'meeting.offline/count', -1, mo.before_start, mo.before_start, mo.quarter, mo.off_b, mo.off_n
    FROM mo CROSS JOIN t WHERE mo.p_off <= t.mo_p
    UNION ALL
    SELECT 'relabelled_documents', rd.unit_code, rd.scope, 'quarter', rd.quarter, rd.period_end, rd.p_share,
           1 - rd.formal_n / rd.formal_b,
           format('Formal documents %s (%s%%) while informal documents rose %s: the total is flat',
                  rd.formal_n - rd.formal_b, round(100 * marts.rel_change(rd.formal_n, rd.formal_b)), rd.informal_n - coalesce(rd.informal_b, 0)),
           format('正式文件(红头)变化 %s 件(%s%%),非正式文件(白头)增加 %s 件:文件总数基本持平',
                  rd.formal_n - rd.formal_b, round(100 * marts.rel_change(rd.formal_n, rd.formal_b)), rd.informal_n - coalesce(rd.informal_b, 0)),
           jsonb_build_array(
               jsonb_build_object('series', 'document.formal/count', 'before', rd.formal_b, 'after', rd.formal_n, 'p', rd.p_share),
               jsonb_build_object('series', 'document.informal/count', 'before', coalesce(rd.informal_b, 0), 'after', rd.informal_n),
               jsonb_build_object('series', 'documents/total', 'before', rd.total_b, 'after', rd.total_n)),
           'document.formal/count', -1, rd.before_start, rd.before_start, rd.quarter, rd.formal_b, rd.formal_n
    FROM rd CROSS JOIN t WHERE rd.p_share <= t.rd_p
    UNION ALL
    SELECT 'longer_documents', ld.unit_code, ld.scope, 'quarter', ld.quarter, ld.period_end, greatest(ld.p_formal, ld.p_length),
           marts.rel_change(ld.pages_n / ld.formal_n, ld.pages_b / ld.formal_b),
           format('Formal documents %s%% while pages per document rose from %s to %s',
                  round(100 * marts.rel_change(ld.formal_n, ld.formal_b)), round(ld.pages_b / ld.formal_b, 1), round(ld.pages_n / ld.formal_n, 1)),
           format('正式文件变化 %s%%,每件页数由 %s 增至 %s',
                  round(100 * marts.rel_change(ld.formal_n, ld.formal_b)), round(ld.pages_b / ld.formal_b, 1), round(ld.pages_n / ld.formal_n, 1)),
           jsonb_build_array(
               jsonb_build_object('series', 'document.formal/count', 'before', ld.formal_b, 'after', ld.formal_n, 'p', ld.p_formal),
               jsonb_build_object('series', 'document.formal/pages', 'before', ld.pages_b, 'after', ld.pages_n),
               jsonb_build_object('series', 'pages_per_document', 'before', ld.pages_b / ld.formal_b, 'after', ld.pages_n / ld.formal_n, 'p', ld.p_length)),
           'document.formal/count', -1, ld.before_start, ld.before_start, ld.quarter, ld.formal_b, ld.formal_n
    FROM ld CROSS JOIN t WHERE greatest(ld.p_formal, ld.p_length) <= t.ld_p
    UNION ALL
    SELECT 'inspections_to_requests', ir.unit_code, ir.scope, 'quarter', ir.quarter, ir.period_end, ir.p_share,
           1 - ir.onsite_n / ir.onsite_b,
           format('On-site inspections %s%% while data requests %s',
                  round(100 * marts.rel_change(ir.onsite_n, ir.onsite_b)), coalesce(round(100 * marts.rel_change(ir.req_n, ir.req_b)) || '%', 'rose from 0')),
           format('现场督查检查变化 %s%%,索要材料数据%s',
                  round(100 * marts.rel_change(ir.onsite_n, ir.onsite_b)),
                  coalesce('变化 ' || round(100 * marts.rel_change(ir.req_n, ir.req_b)) || '%', '由 0 起增加')),
           jsonb_build_array(
               jsonb_build_object('series', 'inspection.onsite/count', 'before', ir.onsite_b, 'after', ir.onsite_n, 'p', ir.p_share),
               jsonb_build_object('series', 'data_request/count', 'before', coalesce(ir.req_b, 0), 'after', ir.req_n),
               jsonb_build_object('series', 'requests_per_inspection', 'before', coalesce(ir.req_b, 0) / ir.onsite_b,
                                  'after', CASE WHEN ir.onsite_n > 0 THEN ir.req_n / ir.onsite_n END)),
           'inspection.onsite/count', -1, ir.before_start, ir.before_start, ir.quarter, ir.onsite_b, ir.onsite_n
    FROM ir CROSS JOIN t WHERE ir.p_share <= t.ir_p
    UNION ALL
    SELECT 'apps_to_groups', ag.unit_code, ag.scope, 'quarter', ag.quarter, ag.period_end, ag.p_shift,
           1 - ag.apps_n / ag.apps_b,
           format('Apps in use %s%% while work groups %s and check-ins %s; apps + groups %s%%',
                  round(100 * marts.rel_change(ag.apps_n, ag.apps_b)),
                  coalesce(round(100 * marts.rel_change(ag.groups_n, ag.groups_b)) || '%', 'n/a'),
                  coalesce(round(100 * marts.rel_change(ag.chk_n, ag.chk_b)) || '%', 'n/a'),
                  round(100 * marts.rel_change(ag.apps_n + coalesce(ag.groups_n, 0), ag.apps_b + coalesce(ag.groups_b, 0)))),
           format('在用政务应用变化 %s%%,工作群%s,打卡留痕%s;应用与工作群合计变化 %s%%',
                  round(100 * marts.rel_change(ag.apps_n, ag.apps_b)),
                  coalesce('变化 ' || round(100 * marts.rel_change(ag.groups_n, ag.groups_b)) || '%', '无可比数据'),
                  coalesce('变化 ' || round(100 * marts.rel_change(ag.chk_n, ag.chk_b)) || '%', '无可比数据'),
                  round(100 * marts.rel_change(ag.apps_n + coalesce(ag.groups_n, 0), ag.apps_b + coalesce(ag.groups_b, 0)))),
           jsonb_build_array(
               jsonb_build_object('series', 'digital_tool.app/active_mean', 'before', ag.apps_b, 'after', ag.apps_n, 'p', ag.p_shift),
               jsonb_build_object('series', 'digital_tool.work_group/active_mean', 'before', ag.groups_b, 'after', ag.groups_n),
               jsonb_build_object('series', 'check_in/count', 'before', ag.chk_b, 'after', ag.chk_n),
               jsonb_build_object('series', 'tools/total', 'before', ag.apps_b + coalesce(ag.groups_b, 0), 'after', ag.apps_n + coalesce(ag.groups_n, 0))),
           'digital_tool.app/active_mean', -1, ag.before_start, ag.before_start, ag.quarter, ag.apps_b, ag.apps_n
    FROM ag CROSS JOIN t WHERE ag.p_shift <= t.ag_p;

    -- -----------------------------------------------------------------------------------------------
    -- Escalation down the tree (层层加码) where a source has tasks: tasks the children received (own counts)
    -- per child per task the parent issued itself. Test: received against one to one (children x issued).
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_cand (signal, unit_code, scope, period_kind, period_start, period_end, p_value, effect, summary, summary_zh, evidence)
    WITH
    t AS (
        SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'escalation' AND key = 'ratio') AS ratio,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'escalation' AND key = 'min_volume') AS min_volume,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'escalation' AND key = 'p_max') AS p_max
    ),
    own AS (
        SELECT v.unit_code, q.period_start AS quarter, q.period_end, w.is_now, v.category, v.value
        FROM signal_quarters q
        CROSS JOIN LATERAL (VALUES (q.period_start, true), ((q.period_start - interval '1 year')::date, false)) AS w(period_start, is_now)
        JOIN signal_values v ON v.period_start = w.period_start
        WHERE v.scope = 'own' AND v.measure = 'count' AND v.category IN ('task.issued', 'task.received')
    ),
    kids AS (SELECT parent_code, count(*) FILTER (WHERE active) AS children FROM ref.units WHERE parent_code IS NOT NULL GROUP BY parent_code),
    received AS (
        SELECT u.parent_code, o.quarter, o.is_now, sum(o.value) AS received
        FROM own o JOIN ref.units u ON u.code = o.unit_code
        WHERE o.category = 'task.received' AND u.parent_code IS NOT NULL
        GROUP BY u.parent_code, o.quarter, o.is_now
    ),
    per_parent AS (
        SELECT o.unit_code, o.quarter, o.period_end, o.is_now, o.value AS issued, k.children, r.received
        FROM own o
        JOIN kids k ON k.parent_code = o.unit_code
        LEFT JOIN received r ON (r.parent_code, r.quarter, r.is_now) = (o.unit_code, o.quarter, o.is_now)
        WHERE o.category = 'task.issued' AND o.value > 0
    ),
    ratios AS (
        SELECT n.unit_code, n.quarter, n.period_end, n.issued, n.children, n.received,
               n.received / (n.children * n.issued) AS ratio,
               b.issued AS issued_b, b.received AS received_b,
               CASE WHEN b.issued > 0 AND b.children > 0 THEN b.received / (b.children * b.issued) END AS ratio_b
        FROM per_parent n
        LEFT JOIN per_parent b ON (b.unit_code, b.quarter, b.is_now) = (n.unit_code, n.quarter, false)
        WHERE n.is_now AND n.children > 0 AND n.received IS NOT NULL
    ),
    tested AS (
        SELECT r.*, marts.poisson_change_p(r.received, r.issued, r.children, 1) AS p
        FROM ratios r CROSS JOIN t
        WHERE r.issued >= t.min_volume AND r.ratio >= t.ratio AND (r.ratio_b IS NULL OR r.ratio_b < r.ratio)
    )
    SELECT 'escalation', r.unit_code, 'own', 'quarter', r.quarter, r.period_end, r.p, r.ratio,
           format('Each of %s children received %s tasks per task the unit issued (%s issued, %s received)%s',
                  r.children, round(r.ratio, 2), r.issued, r.received,
                  coalesce(', up from ' || round(r.ratio_b, 2) || ' a year earlier', '')),
           format('%s 个下级单位平均每个承接 %s 项任务/本单位每下派 1 项(下派 %s 项,下级共承接 %s 项)%s',
                  r.children, round(r.ratio, 2), r.issued, r.received,
                  coalesce(',上年同期为 ' || round(r.ratio_b, 2), '')),
           jsonb_build_array(
               jsonb_build_object('series', 'task.issued/count (own)', 'before', r.issued_b, 'after', r.issued),
               jsonb_build_object('series', 'task.received/count (children, own)', 'before', r.received_b, 'after', r.received),
               jsonb_build_object('series', 'received_per_child_per_issued', 'before', r.ratio_b, 'after', r.ratio, 'p', r.p))
    FROM tested r CROSS JOIN t
    WHERE r.p <= t.p_max;

    -- -----------------------------------------------------------------------------------------------
    -- Document cascade (层层加码 from documents alone): per parent and quarter, the documents its active
    -- children receive themselves (own counts, every document.* category) per child per document the parent
    -- receives itself, against the same-level peers' pooled ratio and against the unit's ratio a year
    -- earlier. Tests: children's documents against the parent's x children x peer ratio (given their sum,
    -- the children's share is binomial); and against a year earlier, the parent's share of parent + children
    -- documents now against then. Fires on either comparison.
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_cand (signal, unit_code, scope, period_kind, period_start, period_end, p_value, effect, summary, summary_zh, evidence)
    WITH
    t AS (
        SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'document_cascade' AND key = 'ratio') AS ratio,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'document_cascade' AND key = 'rise') AS rise,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'document_cascade' AND key = 'min_volume') AS min_volume,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'document_cascade' AND key = 'p_max') AS p_max
    ),
    docs AS (
        SELECT v.unit_code, q.period_start AS quarter, q.period_end, w.is_now, sum(v.value) AS docs
        FROM signal_quarters q
        CROSS JOIN LATERAL (VALUES (q.period_start, true), ((q.period_start - interval '1 year')::date, false)) AS w(period_start, is_now)
        JOIN signal_values v ON v.period_start = w.period_start
        WHERE v.scope = 'own' AND v.measure = 'count' AND v.category LIKE 'document.%'
        GROUP BY v.unit_code, q.period_start, q.period_end, w.is_now
    ),
    kids AS (SELECT parent_code, count(*) AS children FROM ref.units WHERE parent_code IS NOT NULL AND active GROUP BY parent_code),
    child_docs AS (
        SELECT u.parent_code, d.quarter, d.is_now, sum(d.docs) AS docs
        FROM docs d JOIN ref.units u ON u.code = d.unit_code AND u.active
        WHERE u.parent_code IS NOT NULL
        GROUP BY u.parent_code, d.quarter, d.is_now
    ),
    per_parent AS (
        SELECT d.unit_code, u.level, d.quarter, d.period_end, d.is_now, d.docs AS parent_docs, k.children,
               coalesce(c.docs, 0) AS child_docs
        FROM docs d
        JOIN ref.units u ON u.code = d.unit_code
        JOIN kids k ON k.parent_code = d.unit_code
        LEFT JOIN child_docs c ON (c.parent_code, c.quarter, c.is_now) = (d.unit_code, d.quarter, d.is_now)
        WHERE d.docs > 0
    ),
    -- The peers: every other unit of the same level with children and documents in the same quarter.
    with_peers AS (
        SELECT pp.*,
               sum(pp.child_docs) OVER w - pp.child_docs AS peer_child_docs,
               sum(pp.children * pp.parent_docs) OVER w - pp.children * pp.parent_docs AS peer_exposure
        FROM per_parent pp
        WINDOW w AS (PARTITION BY pp.level, pp.quarter, pp.is_now)
    ),
    ratios AS (
        SELECT n.unit_code, n.quarter, n.period_end, n.parent_docs, n.children, n.child_docs,
               n.child_docs / (n.children * n.parent_docs) AS ratio,
               CASE WHEN n.peer_exposure > 0 THEN n.peer_child_docs / n.peer_exposure END AS peer_ratio,
               b.parent_docs AS parent_docs_b, b.children AS children_b, b.child_docs AS child_docs_b,
               b.child_docs / (b.children * b.parent_docs) AS ratio_b
        FROM with_peers n
        LEFT JOIN with_peers b ON (b.unit_code, b.quarter, b.is_now) = (n.unit_code, n.quarter, false)
        WHERE n.is_now
    ),
    cand AS (
        SELECT r.*,
               coalesce(r.peer_ratio > 0 AND r.ratio >= r.peer_ratio * t.ratio, false) AS above_peers,
               coalesce(r.parent_docs_b >= t.min_volume AND r.ratio_b > 0 AND r.ratio >= r.ratio_b * t.rise, false) AS above_year
        FROM ratios r CROSS JOIN t
        WHERE r.parent_docs >= t.min_volume
    ),
    tested AS (
        SELECT c.*,
               CASE WHEN c.above_peers THEN marts.poisson_change_p(c.child_docs, c.parent_docs, c.children * c.peer_ratio, 1) END AS p_peers,
               -- The 2x2 table (parent, children) x (now, a year earlier), tested on its smaller column: the
               -- parent's share of the documents fell. Both counts are random; a test that took the parent's
               -- count as a fixed exposure would call every dip in it a cascade.
               CASE WHEN c.above_year THEN marts.poisson_change_p(c.parent_docs, c.parent_docs_b, c.parent_docs + c.child_docs,
                                                                  c.parent_docs_b + c.child_docs_b) END AS p_year
        FROM cand c
        WHERE c.above_peers OR c.above_year
    ),
    fired AS (
        SELECT x.*, least(x.p_peers, x.p_year) AS p,
               coalesce(x.p_peers <= t.p_max, false) AS by_peers, coalesce(x.p_year <= t.p_max, false) AS by_year
        FROM tested x CROSS JOIN t
        WHERE least(x.p_peers, x.p_year) <= t.p_max
    )
    SELECT 'document_cascade', f.unit_code, 'own', 'quarter', f.quarter, f.period_end, f.p,
           CASE WHEN f.p_peers IS NOT NULL AND f.p_peers <= coalesce(f.p_year, 1) THEN f.ratio / f.peer_ratio ELSE f.ratio / f.ratio_b END,
           format('Each of %s children received %s documents per document the unit received (%s received, children %s)%s%s',
                  f.children, round(f.ratio, 2), f.parent_docs, f.child_docs,
                  CASE WHEN f.by_peers THEN format('; %s times the peers'' %s', round(f.ratio / f.peer_ratio, 1), round(f.peer_ratio, 2)) ELSE '' END,
                  CASE WHEN f.by_year THEN format('; %s times its %s a year earlier', round(f.ratio / f.ratio_b, 1), round(f.ratio_b, 2)) ELSE '' END),
           format('%s 个下级单位平均每个收到 %s 件文件/本单位每收到 1 件(本单位收到 %s 件,下级共 %s 件)%s%s',
                  f.children, round(f.ratio, 2), f.parent_docs, f.child_docs,
                  CASE WHEN f.by_peers THEN format(';为同级单位比值 %s 的 %s 倍', round(f.peer_ratio, 2), round(f.ratio / f.peer_ratio, 1)) ELSE '' END,
                  CASE WHEN f.by_year THEN format(';为其上年同期比值 %s 的 %s 倍', round(f.ratio_b, 2), round(f.ratio / f.ratio_b, 1)) ELSE '' END),
           jsonb_build_array(
               jsonb_build_object('series', 'document.*/count (own)', 'before', f.parent_docs_b, 'after', f.parent_docs),
               jsonb_build_object('series', 'document.*/count (children, own)', 'before', f.child_docs_b, 'after', f.child_docs),
               jsonb_build_object('series', 'documents_per_child_per_document', 'before', f.ratio_b, 'after', f.ratio, 'p', f.p_year),
               jsonb_build_object('series', 'documents_per_child_per_document (peers)', 'before', f.peer_ratio, 'after', f.ratio,
                                  'start', f.quarter, 'p', f.p_peers))
    FROM fired f;

    -- -----------------------------------------------------------------------------------------------
    -- Rebound after a campaign: back above base within two years of a real reduction, in each scope.
    -- Tests: the reduction of the lowest quarter against its base (times the number of quarters searched,
    -- Bonferroni: the lowest of eight is low by chance more often than one), and the rise back from it.
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_cand (signal, unit_code, scope, category, period_kind, period_start, period_end, started_on, p_value, effect, summary, summary_zh, evidence,
                             main_series, main_dir, main_before_from, main_before_to, main_after_start, main_before, main_after)
    WITH
    t AS (
        SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'rebound' AND key = 'reduction') AS reduction,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'rebound' AND key = 'above') AS above,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'rebound' AND key = 'min_volume') AS min_volume,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'rebound' AND key = 'p_max') AS p_max
    ),
    -- Every covered quarter's count of a flow with its base (same quarter of the base year, covered).
    q AS (
        SELECT v.unit_code, v.scope, v.category, v.period_start, v.value, v.covered_days,
               b.period_start AS base_start, b.value AS base_value, b.covered_days AS base_days
        FROM signal_values v
        JOIN ref.categories cat ON cat.category = v.category AND cat.kind = 'flow'
        JOIN signal_values b
          ON (b.unit_code, b.scope, b.category, b.measure, b.period_start)
           = (v.unit_code, v.scope, v.category, v.measure, marts.season_start('quarter', v.period_start, v_base_year))
        WHERE v.measure = 'count' AND extract(year FROM v.period_start) > v_base_year AND b.value > 0
    ),
    lowest AS (
        SELECT DISTINCT ON (now_q.unit_code, now_q.scope, now_q.category, now_q.period_start)
               now_q.unit_code, now_q.scope, now_q.category, now_q.period_start, sq.period_end, now_q.value, now_q.covered_days,
               now_q.base_start, now_q.base_value,
               low.period_start AS low_start, low.value AS low_value, low.covered_days AS low_days,
               low.base_value AS low_base, low.base_days AS low_base_days,
               1 - low.value / low.base_value AS low_reduction,
               count(*) OVER (PARTITION BY now_q.unit_code, now_q.scope, now_q.category, now_q.period_start) AS searched
        FROM q now_q
        JOIN signal_quarters sq ON sq.period_start = now_q.period_start
        JOIN q low ON (low.unit_code, low.scope, low.category) = (now_q.unit_code, now_q.scope, now_q.category)
                  AND low.period_start >= now_q.period_start - interval '2 years'
                  AND low.period_start < now_q.period_start
        ORDER BY now_q.unit_code, now_q.scope, now_q.category, now_q.period_start, low.value / low.base_value, low.period_start
    ),
    tested AS (
        SELECT l.*,
               least(1.0, l.searched * marts.poisson_change_p(l.low_value, l.low_base, l.low_days, l.low_base_days)) AS p_low,
               marts.poisson_change_p(l.value, l.low_value, l.covered_days, l.low_days) AS p_rise
        FROM lowest l CROSS JOIN t
        WHERE l.low_reduction >= t.reduction AND l.value > l.base_value * (1 + t.above)
          AND least(l.base_value, l.low_base) >= t.min_volume
    )
    SELECT 'rebound', l.unit_code, l.scope, l.category, 'quarter', l.period_start, l.period_end,
           (l.low_start + interval '3 months')::date, greatest(l.p_low, l.p_rise),
           marts.rel_change(l.value, l.base_value),
           format('%s back %s%% above base (%s vs %s) after a %s%% reduction in the quarter from %s',
                  l.category, round(100 * marts.rel_change(l.value, l.base_value)), l.value, l.base_value,
                  round(100 * l.low_reduction), l.low_start),
           format('%s回升至比基期高 %s%%(%s 对基期 %s),此前自 %s 起的季度曾比基期减少 %s%%',
                  coalesce(cat.label_zh, l.category), round(100 * marts.rel_change(l.value, l.base_value)), l.value, l.base_value,
                  l.low_start, round(100 * l.low_reduction)),
           jsonb_build_array(
               jsonb_build_object('series', l.category || '/count (lowest quarter vs its base)', 'start', l.low_start,
                                  'before', l.low_base, 'after', l.low_value, 'p', l.p_low),
               jsonb_build_object('series', l.category || '/count (this quarter vs its base)', 'before', l.base_value, 'after', l.value),
               jsonb_build_object('series', l.category || '/count (this quarter vs the lowest)', 'start', l.low_start,
                                  'before', l.low_value, 'after', l.value, 'p', l.p_rise)),
           l.category || '/count', 1, l.base_start, l.base_start, l.period_start, l.base_value, l.value
    FROM tested l CROSS JOIN t
    LEFT JOIN ref.categories cat ON cat.category = l.category
    WHERE greatest(l.p_low, l.p_rise) <= t.p_max;

    -- -----------------------------------------------------------------------------------------------
    -- Base inflated just before the policy date: the base year's last quarter against its first three, in
    -- each scope. Test: the last quarter's count against the first three's (exposure: covered days).
    -- -----------------------------------------------------------------------------------------------
    IF EXISTS (SELECT 1 FROM signal_years WHERE extract(year FROM period_start) = v_base_year) THEN
        INSERT INTO signal_cand (signal, unit_code, scope, category, period_kind, period_start, period_end, p_value, effect, summary, summary_zh, evidence,
                                 main_series, main_dir, main_before_from, main_before_to, main_after_start, main_before, main_after)
        WITH
        t AS (SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'base_inflation' AND key = 'jump') AS jump,
                     (SELECT value FROM ref.signal_thresholds WHERE signal = 'base_inflation' AND key = 'min_volume') AS min_volume,
                     (SELECT value FROM ref.signal_thresholds WHERE signal = 'base_inflation' AND key = 'p_max') AS p_max),
        q AS (
            SELECT v.unit_code, v.scope, v.category,
                   max(v.value) FILTER (WHERE v.period_start = make_date(v_base_year, 10, 1)) AS last_q,
                   max(v.covered_days) FILTER (WHERE v.period_start = make_date(v_base_year, 10, 1)) AS last_days,
                   sum(v.value) FILTER (WHERE v.period_start < make_date(v_base_year, 10, 1)) AS first_sum,
                   sum(v.covered_days) FILTER (WHERE v.period_start < make_date(v_base_year, 10, 1)) AS first_days,
                   count(*) FILTER (WHERE v.period_start < make_date(v_base_year, 10, 1)) AS n
            FROM signal_values v
            JOIN ref.categories cat ON cat.category = v.category AND cat.kind = 'flow'
            WHERE v.measure = 'count'
              AND v.period_start BETWEEN make_date(v_base_year, 1, 1) AND make_date(v_base_year, 10, 1)
            GROUP BY v.unit_code, v.scope, v.category
        ),
        tested AS (
            SELECT q.*, q.first_sum / 3 AS first_three, marts.poisson_change_p(q.last_q, q.first_sum, q.last_days, q.first_days) AS p
            FROM q CROSS JOIN t
            WHERE q.n = 3 AND q.first_sum / 3 >= greatest(t.min_volume, 0.001) AND q.last_q >= q.first_sum / 3 * (1 + t.jump)
        )
        SELECT 'base_inflation', q.unit_code, q.scope, q.category, 'quarter', make_date(v_base_year, 10, 1), make_date(v_base_year, 12, 31),
               q.p, marts.rel_change(q.last_q, q.first_three),
               format('%s in the last quarter of base year %s was %s, %s%% above the mean %s of its first three quarters',
                      q.category, v_base_year, q.last_q, round(100 * marts.rel_change(q.last_q, q.first_three)), round(q.first_three, 1)),
               format('%s在基期年 %s 第四季度为 %s,比前三季度均值 %s 高 %s%%',
                      coalesce(cat.label_zh, q.category), v_base_year, q.last_q, round(q.first_three, 1),
                      round(100 * marts.rel_change(q.last_q, q.first_three))),
               jsonb_build_array(
                   jsonb_build_object('series', q.category || '/count (mean of Q1-Q3)', 'start', make_date(v_base_year, 1, 1),
                                      'before', q.first_three, 'after', q.last_q, 'p', q.p)),
               q.category || '/count', 1, make_date(v_base_year, 1, 1), make_date(v_base_year, 7, 1), make_date(v_base_year, 10, 1),
               q.first_sum, q.last_q
        FROM tested q CROSS JOIN t
        LEFT JOIN ref.categories cat ON cat.category = q.category
        WHERE q.p <= t.p_max;
    END IF;

    -- -----------------------------------------------------------------------------------------------
    -- Reported reductions heaping at exactly the target, among a parent's children, per year. Test: the
    -- children within the tolerance against those elsewhere in the band around the target; a smooth spread
    -- puts tolerance / band of them at the target.
    -- -----------------------------------------------------------------------------------------------
    INSERT INTO signal_cand (signal, unit_code, scope, category, period_kind, period_start, period_end, p_value, effect, summary, summary_zh, evidence)
    WITH
    t AS (
        SELECT (SELECT value FROM ref.signal_thresholds WHERE signal = 'target_heaping' AND key = 'tolerance') AS tolerance,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'target_heaping' AND key = 'band') AS band,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'target_heaping' AND key = 'min_volume') AS min_volume,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'target_heaping' AND key = 'min_share') AS min_share,
               (SELECT value FROM ref.signal_thresholds WHERE signal = 'target_heaping' AND key = 'p_max') AS p_max
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
               count(*) FILTER (WHERE abs(c.reduction - c.target_reduction) > t.tolerance
                                  AND abs(c.reduction - c.target_reduction) <= t.band) AS near_target,
               jsonb_agg(jsonb_build_object('series', c.unit_code, 'before', c.target_reduction, 'after', c.reduction)
                         ORDER BY c.unit_code) FILTER (WHERE abs(c.reduction - c.target_reduction) <= t.tolerance) AS evidence
        FROM children c CROSS JOIN t
        GROUP BY c.parent_code, c.category, c.period_start
    ),
    tested AS (
        SELECT p.*, marts.poisson_change_p(p.at_target, p.near_target, t.tolerance, t.band - t.tolerance) AS p
        FROM per_parent p CROSS JOIN t
        WHERE p.at_target >= t.min_volume AND p.at_target::numeric / p.published >= t.min_share
          AND p.at_target * (t.band - t.tolerance) > p.near_target * t.tolerance
    )
    SELECT 'target_heaping', p.parent_code, 'subtree', p.category, 'year', p.period_start, p.period_end, p.p,
           p.at_target::numeric / p.published,
           format('%s of %s units below report a %s reduction within %s points of the %s%% target (%s more within %s points)',
                  p.at_target, p.published, p.category, 100 * t.tolerance, round(100 * p.target), p.near_target, 100 * t.band),
           format('下级 %s 个单位中有 %s 个报告的%s减幅与 %s%% 的目标相差不超过 %s 个百分点(另有 %s 个相差不超过 %s 个百分点)',
                  p.published, p.at_target, coalesce(cat.label_zh, p.category), round(100 * p.target), 100 * t.tolerance,
                  p.near_target, 100 * t.band),
           p.evidence
    FROM tested p CROSS JOIN t
    LEFT JOIN ref.categories cat ON cat.category = p.category
    WHERE p.p <= t.p_max;

    -- -----------------------------------------------------------------------------------------------
    -- One signal per unit: where both scopes fired, the stronger one (lower p) speaks, marked 'both'.
    -- -----------------------------------------------------------------------------------------------
    CREATE TEMP TABLE signal_new ON COMMIT DROP AS
    SELECT DISTINCT ON (c.signal, c.unit_code, c.category, c.period_kind, c.period_start)
           c.signal, c.unit_code, CASE WHEN c.scopes > 1 THEN 'both' ELSE c.scope END AS scope,
           c.category, c.period_kind, c.period_start, c.period_end, c.started_on, c.p_value, c.effect,
           c.summary || format(' (%s; p = %s)',
                               CASE WHEN c.scopes > 1 THEN 'own counts and with its subtree'
                                    WHEN c.scope = 'own' THEN 'own counts' ELSE 'with its subtree' END,
                               c.p_text) AS summary,
           -- The same ending in Chinese, with the same p-value text.
           c.summary_zh || format('(%s;p = %s)',
                                  CASE WHEN c.scopes > 1 THEN '本单位自身数据与含下级均触发'
                                       WHEN c.scope = 'own' THEN '本单位自身数据' ELSE '含下级单位数据' END,
                                  c.p_text) AS summary_zh,
           c.evidence, c.main_series, c.main_dir, c.main_before_from, c.main_before_to, c.main_after_start, c.main_before, c.main_after,
           false AS grouped
    FROM (SELECT x.*, count(*) OVER (PARTITION BY x.signal, x.unit_code, x.category, x.period_kind, x.period_start) AS scopes,
                 CASE WHEN x.p_value >= 0.001 THEN round(x.p_value::numeric, 4)::text
                      ELSE trim(to_char(x.p_value, '9.9EEEE')) END AS p_text
          FROM signal_cand x) c
    ORDER BY c.signal, c.unit_code, c.category, c.period_kind, c.period_start, c.p_value, c.scope;
    PERFORM 'PRAGMA:TABLE: signal_new (signal text, unit_code text, scope text, category text, period_kind text, '
            'period_start date, period_end date, started_on date, p_value double precision, effect numeric, summary text, '
            'summary_zh text, evidence jsonb, main_series text, main_dir integer, main_before_from date, main_before_to date, '
            'main_after_start date, main_before numeric, main_after numeric, grouped boolean)';

    -- -----------------------------------------------------------------------------------------------
    -- Grouping: a child's signal only repeats its parent's when the parent has the same signal (category,
    -- period) and the child's change is not significantly beyond the change of the rest of the parent's
    -- subtree (the parent's subtree minus the child's) in the signal's direction: given the rest's
    -- before/after ratio as exposure, poisson_change_p(child after, child before) > p_max, or the child moved
    -- less than the rest, or the rest is empty (the child's series is all of the parent's). Then the child adds
    -- nothing an analyst acting on the parent would not see (and finds under it). A child that moved
    -- significantly more stands on its own (its own relabelling under a parent that echoes it). Where the
    -- rest has the series in only one of the two periods nothing is grouped: no ratio to compare with.
    -- -----------------------------------------------------------------------------------------------
    UPDATE signal_new c SET grouped = true
    FROM (
        SELECT n.signal, n.unit_code, n.category, n.period_kind, n.period_start, n.main_dir, n.main_before, n.main_after,
               sum(x.sign * v.value) FILTER (WHERE v.period_start = n.main_after_start) AS rest_after,
               sum(x.sign * v.value) FILTER (WHERE v.period_start BETWEEN n.main_before_from AND n.main_before_to) AS rest_before
        FROM signal_new n
        JOIN ref.units u ON u.code = n.unit_code
        JOIN signal_new pn ON (pn.signal, pn.period_kind, pn.period_start, pn.unit_code) = (n.signal, n.period_kind, n.period_start, u.parent_code)
                          AND pn.category IS NOT DISTINCT FROM n.category
        CROSS JOIN LATERAL (VALUES (u.parent_code, 1), (n.unit_code, -1)) AS x(code, sign)
        JOIN signal_values v ON v.is_subtree AND v.unit_code = x.code AND v.category || '/' || v.measure = n.main_series
        WHERE n.main_series IS NOT NULL
        GROUP BY n.signal, n.unit_code, n.category, n.period_kind, n.period_start, n.main_dir, n.main_before, n.main_after
    ) g
    CROSS JOIN (SELECT signal, value AS p_max FROM ref.signal_thresholds WHERE key = 'p_max') t
    WHERE (c.signal, c.unit_code, c.period_kind, c.period_start) = (g.signal, g.unit_code, g.period_kind, g.period_start)
      AND c.category IS NOT DISTINCT FROM g.category AND t.signal = g.signal
      AND (   (g.rest_before = 0 AND g.rest_after = 0)       -- the child is all of the parent's series: the same change
           OR (    g.rest_before > 0 AND g.rest_after > 0 AND g.main_before > 0
               AND NOT (g.main_dir * (g.main_after / g.main_before - g.rest_after / g.rest_before) > 0
                        AND marts.poisson_change_p(g.main_after, g.main_before, g.rest_after, g.rest_before) <= t.p_max)));

    -- -----------------------------------------------------------------------------------------------
    -- Store: started_on continues a run from the previous period; the evidence goes to its own table; a
    -- grouped child points at its parent's signal.
    -- -----------------------------------------------------------------------------------------------
    WITH inserted AS (
        INSERT INTO marts.signals (signal, unit_code, category, period_kind, period_start, period_end, started_on, score, summary,
                                   computed_at, p_value, effect, scope, summary_zh)
        SELECT n.signal, n.unit_code, n.category, n.period_kind, n.period_start, n.period_end,
               coalesce(n.started_on, prev.started_on, n.period_start), marts.signal_score(n.p_value), n.summary, now(),
               n.p_value, n.effect, n.scope, n.summary_zh
        FROM signal_new n
        LEFT JOIN marts.signals prev
               ON (prev.signal, prev.unit_code, prev.period_kind) = (n.signal, n.unit_code, n.period_kind)
              AND prev.category IS NOT DISTINCT FROM n.category
              AND prev.period_start = (n.period_start - CASE n.period_kind WHEN 'quarter' THEN interval '3 months' ELSE interval '1 year' END)::date
        RETURNING signal_id, signal, unit_code, category, period_kind, period_start
    )
    INSERT INTO marts.signal_evidence (signal_id, series, before_start, before_value, after_value, change, p_value)
    SELECT i.signal_id, e.series,
           coalesce(e.start, CASE WHEN n.signal IN ('target_heaping') THEN NULL
                                  ELSE (n.period_start - interval '1 year')::date END),
           e.before, e.after, marts.rel_change(e.after, e.before), e.p
    FROM inserted i
    JOIN signal_new n ON (n.signal, n.unit_code, n.period_kind, n.period_start) = (i.signal, i.unit_code, i.period_kind, i.period_start)
                     AND n.category IS NOT DISTINCT FROM i.category
    CROSS JOIN LATERAL jsonb_to_recordset(n.evidence) AS e(series text, start date, before numeric, after numeric, p double precision);

    UPDATE marts.signals c SET grouped_under = par.signal_id
    FROM signal_new n
    JOIN ref.units u ON u.code = n.unit_code
    JOIN marts.signals par ON (par.signal, par.period_kind, par.period_start, par.unit_code) = (n.signal, n.period_kind, n.period_start, u.parent_code)
                          AND par.category IS NOT DISTINCT FROM n.category
    WHERE n.grouped
      AND (c.signal, c.unit_code, c.period_kind, c.period_start) = (n.signal, n.unit_code, n.period_kind, n.period_start)
      AND c.category IS NOT DISTINCT FROM n.category;

    DROP TABLE signal_quarters, signal_years, signal_value_quarters, signal_values, signal_cand, signal_new;
END;
$fn$;

COMMENT ON FUNCTION marts.refresh_signals(date, date) IS 'Recomputes marts.signals (and their evidence, and their summary in English and Chinese) for the ended quarters and years holding [p_from, p_to] and those one year later; base_inflation when the base year is among them. Each signal on the unit''s own counts and on its subtree, with a minimum volume and a test against chance (p_value, score); children that only repeat their parent''s signal grouped under it. Called by marts.refresh_periods at the end of every refresh, inside the load transaction.';
GRANT EXECUTE ON FUNCTION marts.refresh_signals(date, date) TO metrics_writer;
