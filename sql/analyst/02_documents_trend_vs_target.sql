-- Are documents down by the target (e.g. the 2019 notice's 30%)? The whole org tree, year by year:
-- documents of every document category against the base year, the reduction, the target and how far
-- along it is. A year still running, or one whose coverage is too thin, shows its status instead.
SELECT d.period_start                          AS year_start,
       d.documents,
       d.base_documents,
       round(100 * d.reduction, 1)             AS reduction_percent,
       round(100 * d.target_reduction, 1)      AS target_percent,
       round(100 * d.attainment, 1)            AS attainment_percent,
       d.target_met,
       d.status
FROM marts.documents_vs_target d
WHERE d.unit_code = (SELECT code FROM ref.units WHERE parent_code IS NULL AND active
                     ORDER BY array_position(ARRAY['province', 'city', 'county', 'township', 'village'], level), code LIMIT 1)
  AND d.period_kind = 'year'
ORDER BY d.period_start;
