-- Working hours of one FTE in a period.
CREATE FUNCTION marts.working_hours(p_period_kind text, p_hours_per_year numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT p_hours_per_year / CASE p_period_kind WHEN 'week' THEN 52 WHEN 'month' THEN 12 WHEN 'quarter' THEN 4 ELSE 1 END
$fn$;

COMMENT ON FUNCTION marts.working_hours(text, numeric) IS 'Working hours of one FTE in a period: the yearly hours / 52 (week), / 12 (month), / 4 (quarter), or the yearly hours.';
GRANT EXECUTE ON FUNCTION marts.working_hours(text, numeric) TO metrics_writer;
