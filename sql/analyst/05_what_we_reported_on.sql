-- What did we report a week ago, and what has been restated since?
-- The yearly document indicators of the org root as published seven days ago (marts.indicators_as_of),
-- next to the values now; restated = the published value was later replaced (see marts.restatements).
-- The values now are looked up per published row (OFFSET 0 keeps the lookup a subquery, so the unit,
-- category and period reach marts.indicators; joined as a whole, the view computed every unit: 4.1 s p95
-- on the province 64 benchmark).
WITH root AS MATERIALIZED (
    SELECT code FROM ref.units WHERE parent_code IS NULL AND active
    ORDER BY array_position(ARRAY['province', 'city', 'county', 'township', 'village'], level), code LIMIT 1
)
SELECT t.category,
       t.period_start,
       t.value          AS value_then,
       t.reduction      AS reduction_then,
       t.status         AS status_then,
       t.value_restated AS restated,
       i.value          AS value_now,
       i.reduction      AS reduction_now
FROM root r
CROSS JOIN LATERAL marts.indicators_as_of(now() - interval '7 days', r.code, NULL, 'year') t
LEFT JOIN LATERAL (
    SELECT i.value, i.reduction FROM marts.indicators i
    WHERE (i.unit_code, i.category, i.measure, i.period_kind, i.period_start)
        = (t.unit_code, t.category, t.measure, t.period_kind, t.period_start)
    OFFSET 0
) i ON true
WHERE t.category LIKE 'document.%' AND t.measure = 'count'
ORDER BY t.category, t.period_start;
