-- Which townships carry the most reporting burden per member of staff?
-- Burden hours (Standard Cost Model) of each township and its villages in the last full calendar year, per
-- FTE of that subtree, ranked. A township without staff has no per-FTE value and comes last; status says
-- whether the comparison with the base (burden_index) is publishable.
-- marts.burden_ranking gives the rows of marts.burden_hours_by_unit for the townships only (the view
-- filtered on unit_level computes every unit first); pass a county's code as the fourth argument for the
-- townships of that county.
SELECT r.rank,
       r.unit_code,
       r.unit_name,
       round(r.hours, 1)                                      AS burden_hours,
       r.subtree_headcount                                    AS fte,
       round(r.hours_per_fte, 2)                              AS hours_per_fte,
       round(100 * r.share_of_working_time, 2)                AS percent_of_working_time,
       round(r.burden_index, 1)                               AS burden_index,
       r.status,
       r.status_label_zh                                      AS status_label
FROM marts.burden_ranking('year', (date_trunc('year', current_date) - interval '1 year')::date, 'township') r
ORDER BY r.rank, r.unit_code;
