-- The value a series has in a period in which it has no facts (V32: such rows are derived, not stored):
--   flow                 0 where the period was pulled at all, else NULL (unknown, not zero)
--   stock level          0 where the period has a complete day (a covered day without a row is level 0)
--   stock <measure>_mean 0 over the complete days, written as the refresh computes a mean (0 / days), so a
--                        derived mean reads exactly like a stored one
CREATE FUNCTION marts.zero_value(p_kind text, p_measure text, p_covered_cells integer, p_covered_days integer,
                                 p_last_covered_day date)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $fn$
    SELECT CASE
               WHEN p_kind = 'flow' THEN CASE WHEN p_covered_cells > 0 THEN 0 END
               WHEN p_measure LIKE '%\_mean' THEN CASE WHEN p_covered_days > 0 THEN 0::numeric / p_covered_days END
               ELSE CASE WHEN p_last_covered_day IS NOT NULL THEN 0 END
           END
$fn$;

COMMENT ON FUNCTION marts.zero_value(text, text, integer, integer, date) IS 'Value of a series in a period without facts, from the period''s coverage: flow 0 where covered_cells > 0; stock level 0 where a day is complete; stock <measure>_mean 0 where covered_days > 0; else NULL (unknown).';
GRANT EXECUTE ON FUNCTION marts.zero_value(text, text, integer, integer, date) TO metrics_writer, metrics_analyst, metrics_dashboard;
