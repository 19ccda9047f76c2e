-- V16: the analyst surface: one view per question, named for it, every column commented with its unit.
--   marts.documents_vs_target   documents (all document categories) against the base and the target
--   marts.signals_this_quarter  the signals of the last ended quarter (and the running one), with evidence
--   ops.coverage_gaps           runs of expected days a stream was not pulled
-- Read-only roles: metrics_dashboard and metrics_analyst are created by a later migration (roles); when
-- they already exist (created by hand), this migration grants them read access to its objects. Either
-- way the roles migration grants SELECT on every marts view, so nothing here depends on the order.

CREATE VIEW marts.documents_vs_target AS
WITH
per_category AS (
    SELECT i.unit_code, i.unit_name, i.unit_level, i.period_kind, i.period_start, i.period_end, i.category,
           i.value, i.base_value, i.target_reduction, i.target_source, i.target_base_period, i.coverage, i.status,
           CASE i.status WHEN 'incomplete_period' THEN 1 WHEN 'no_base' THEN 2 WHEN 'insufficient_coverage' THEN 3
                         WHEN 'base_zero' THEN 4 ELSE 5 END AS status_rank
    FROM marts.indicators i
    WHERE i.category LIKE 'document.%' AND i.measure = 'count' AND i.period_kind IN ('month', 'quarter', 'year')
),
per_unit AS (
    SELECT unit_code, min(unit_name) AS unit_name, min(unit_level) AS unit_level, period_kind, period_start,
           max(period_end) AS period_end,
           sum(value) AS documents, sum(base_value) AS base_documents,
           max(target_reduction) AS target_reduction, max(target_source) AS target_source,
           max(target_base_period) AS target_base_period, min(coverage) AS coverage,
           (array_agg(status ORDER BY status_rank))[1] AS status
    FROM per_category
    GROUP BY unit_code, period_kind, period_start
)
SELECT p.unit_code, p.unit_name, p.unit_level, p.period_kind, p.period_start, p.period_end,
       p.documents, p.base_documents,
       CASE WHEN p.status = 'ok' THEN 1 - p.documents / p.base_documents END AS reduction,
       p.target_reduction, p.target_source,
       CASE WHEN p.status = 'ok' AND p.target_base_period = s.base_period
            THEN (1 - p.documents / p.base_documents) / p.target_reduction END AS attainment,
       CASE WHEN p.status = 'ok' AND p.target_base_period = s.base_period
            THEN 1 - p.documents / p.base_documents >= p.target_reduction END AS target_met,
       p.coverage, p.status
FROM per_unit p
CROSS JOIN (SELECT value AS base_period FROM ref.indicator_settings WHERE key = 'base_period') s;

COMMENT ON VIEW marts.documents_vs_target IS 'All documents (every document.* category, counts) of a unit and its subtree against the base period and the documents target. Grain: unit x period (month, quarter, year). Question: are documents down by the target (e.g. 30%)?';
COMMENT ON COLUMN marts.documents_vs_target.unit_code IS 'Unit (ref.units.code); counts include its subtree.';
COMMENT ON COLUMN marts.documents_vs_target.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.documents_vs_target.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.documents_vs_target.period_kind IS 'month, quarter or year.';
COMMENT ON COLUMN marts.documents_vs_target.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.documents_vs_target.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.documents_vs_target.documents IS 'Documents received in the period, all document categories. Documents.';
COMMENT ON COLUMN marts.documents_vs_target.base_documents IS 'Documents in the same season of the base year. Documents.';
COMMENT ON COLUMN marts.documents_vs_target.reduction IS '1 - documents / base_documents, fraction (0.30 = 30% fewer). NULL unless status = ok.';
COMMENT ON COLUMN marts.documents_vs_target.target_reduction IS 'The documents target that applies (most specific ref.targets row), fraction.';
COMMENT ON COLUMN marts.documents_vs_target.target_source IS 'The public programme the target comes from.';
COMMENT ON COLUMN marts.documents_vs_target.attainment IS 'reduction / target_reduction, fraction (1 = met exactly). NULL unless ok and the target is set against the configured base.';
COMMENT ON COLUMN marts.documents_vs_target.target_met IS 'reduction >= target_reduction.';
COMMENT ON COLUMN marts.documents_vs_target.coverage IS 'Lowest coverage among the document categories in the period, fraction 0..1.';
COMMENT ON COLUMN marts.documents_vs_target.status IS 'The most restrictive status of the document categories: incomplete_period, no_base, insufficient_coverage, base_zero, else ok.';

CREATE VIEW marts.signals_this_quarter AS
SELECT s.*
FROM marts.signals_with_evidence s
WHERE s.period_end >= (date_trunc('quarter', current_date) - interval '3 months')::date;

COMMENT ON VIEW marts.signals_this_quarter IS 'Signals whose period ends in the last ended quarter or later (quarterly signals of that quarter, yearly ones of a year ending then). Grain: one row per signal. Columns as in marts.signals_with_evidence.';

CREATE VIEW ops.coverage_gaps AS
WITH
expected AS (
    SELECT s.source, s.stream, d::date AS day, c.day IS NOT NULL AS covered
    FROM ref.streams s
    CROSS JOIN LATERAL generate_series(s.history_from::timestamp, (current_date - 1)::timestamp, interval '1 day') AS d
    LEFT JOIN ops.coverage c ON (c.source, c.stream, c.day) = (s.source, s.stream, d::date)
    WHERE s.active
),
-- Gaps and islands: consecutive missing days share (day - row number).
missing AS (
    SELECT source, stream, day, day - (row_number() OVER (PARTITION BY source, stream ORDER BY day))::integer AS island
    FROM expected
    WHERE NOT covered
)
SELECT source, stream, min(day) AS first_day, max(day) AS last_day, count(*)::integer AS days
FROM missing
GROUP BY source, stream, island;

COMMENT ON VIEW ops.coverage_gaps IS 'Runs of consecutive days an active stream was expected (from its history_from through yesterday) but not pulled. Grain: one row per stream and gap. Fill a gap with backfill --from first_day --to last_day --source source.';
COMMENT ON COLUMN ops.coverage_gaps.source IS 'Source name.';
COMMENT ON COLUMN ops.coverage_gaps.stream IS 'Stream name.';
COMMENT ON COLUMN ops.coverage_gaps.first_day IS 'First missing local day.';
COMMENT ON COLUMN ops.coverage_gaps.last_day IS 'Last missing local day.';
COMMENT ON COLUMN ops.coverage_gaps.days IS 'Missing days in the run. Days.';

DO $do$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'metrics_dashboard') THEN
        GRANT USAGE ON SCHEMA marts, ref, ops TO metrics_dashboard;
        GRANT SELECT ON marts.indicators, marts.weekly_indicators, marts.monthly_indicators, marts.quarterly_indicators,
                        marts.yearly_indicators, marts.burden_hours, marts.burden_hours_by_unit, marts.burden_index,
                        marts.rolling_12_months, marts.documents_vs_target, marts.signals_with_evidence,
                        marts.signals_this_quarter, marts.restatements, ops.coverage_gaps TO metrics_dashboard;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'metrics_analyst') THEN
        GRANT USAGE ON SCHEMA marts, ref, ops TO metrics_analyst;
        GRANT SELECT ON ALL TABLES IN SCHEMA marts TO metrics_analyst;
        GRANT SELECT ON ref.tariffs, ref.effective_tariffs, ref.signal_thresholds, ref.targets, ref.units,
                        ref.categories, ops.coverage_gaps TO metrics_analyst;
        GRANT EXECUTE ON FUNCTION marts.indicators_as_of(timestamptz, text, text, text) TO metrics_analyst;
    END IF;
END
$do$;
