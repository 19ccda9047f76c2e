-- This year so far against the same days of the base year: each township's documents from 1 January through
-- the last complete day (through_day), against 1 January .. the same day of the base year. A reduction is
-- withheld (NULL, status says why) when either span's coverage is below the threshold.
SELECT y.unit_code,
       y.unit_name,
       y.category,
       y.through_day,
       y.value                        AS documents,
       y.base_value                   AS base_documents,
       round(100 * y.reduction, 1)    AS reduction_percent,
       round(100 * y.coverage, 1)     AS coverage_percent,
       y.status
FROM marts.year_to_date y
WHERE y.unit_level = 'township' AND y.category LIKE 'document.%' AND y.measure = 'count'
ORDER BY y.reduction DESC NULLS LAST, y.unit_code, y.category;
