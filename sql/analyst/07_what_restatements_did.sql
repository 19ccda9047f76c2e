-- What did the last 30 days of restatements do to what we reported? Every published value a later load
-- changed, with its reduction against the base period and its status before and after: the changes that
-- turned a status (ok -> insufficient_coverage, a target suddenly met) first.
SELECT r.replaced_at,
       r.unit_code,
       r.category,
       r.measure,
       r.period_kind,
       r.period_start,
       r.old_value,
       r.new_value,
       round(100 * r.old_reduction, 1) AS old_reduction_percent,
       round(100 * r.new_reduction, 1) AS new_reduction_percent,
       r.old_status,
       r.new_status,
       r.reason
FROM marts.restatements r
WHERE r.replaced_at > now() - interval '30 days'
ORDER BY (r.old_status IS DISTINCT FROM r.new_status) DESC, r.replaced_at DESC, r.unit_code, r.category, r.period_kind, r.period_start;
