-- Which townships carry the most reporting burden per member of staff?
-- Burden hours (Standard Cost Model, marts.burden_hours_by_unit) of each township and its villages in
-- the last full calendar year, per FTE of that subtree, ranked. A township without staff has no per-FTE
-- value and comes last; status says whether the comparison with the base (burden_index) is publishable.
SELECT rank() OVER (ORDER BY b.hours_per_fte DESC NULLS LAST)  AS rank,
       b.unit_code,
       b.unit_name,
       round(b.hours, 1)                                      AS burden_hours,
       b.subtree_headcount                                    AS fte,
       round(b.hours_per_fte, 2)                              AS hours_per_fte,
       round(100 * b.share_of_working_time, 2)                AS percent_of_working_time,
       round(b.burden_index, 1)                               AS burden_index,
       b.status
FROM marts.burden_hours_by_unit b
WHERE b.unit_level = 'township'
  AND b.period_kind = 'year'
  AND b.period_start = (date_trunc('year', current_date) - interval '1 year')::date
ORDER BY rank, b.unit_code;
