-- The ISO year of a week (a week belongs to the year holding its Thursday), else the calendar year.
CREATE FUNCTION marts.period_year(p_kind text, p_start date)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT CASE WHEN p_kind = 'week' THEN extract(isoyear FROM p_start)::integer
                ELSE extract(year FROM p_start)::integer END
$fn$;

COMMENT ON FUNCTION marts.period_year(text, date) IS 'Year a period belongs to: the ISO year for weeks (the year of its Thursday), the calendar year otherwise.';
GRANT EXECUTE ON FUNCTION marts.period_year(text, date) TO metrics_writer;
