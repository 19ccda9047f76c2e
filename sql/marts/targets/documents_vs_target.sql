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
       p.coverage, p.status,
       sts.label_zh AS status_label_zh, sts.label_en AS status_label_en
FROM per_unit p
CROSS JOIN (SELECT value AS base_period FROM ref.indicator_settings WHERE key = 'base_period') s
LEFT JOIN ref.statuses sts ON sts.code = p.status;

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
COMMENT ON COLUMN marts.documents_vs_target.status_label_zh IS 'Chinese label of status (ref.statuses.label_zh).';
COMMENT ON COLUMN marts.documents_vs_target.status_label_en IS 'English label of status (ref.statuses.label_en).';
GRANT SELECT ON marts.documents_vs_target TO metrics_analyst;
GRANT SELECT ON marts.documents_vs_target TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.documents_vs_target TO metrics_writer;
