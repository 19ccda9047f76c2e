-- The same month and day in another year, for spans compared day by day (marts.year_to_date). 29 February
-- has no twin in a common year and becomes 28 February: a span through the leap day then ends with February
-- in both years, as the months marts.indicators compares do.
CREATE FUNCTION marts.same_day_in_year(p_day date, p_year integer)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT make_date(p_year, extract(month FROM p_day)::integer, 1)
           + least(extract(day FROM p_day)::integer,
                   extract(day FROM make_date(p_year, extract(month FROM p_day)::integer, 1) + interval '1 month' - interval '1 day')::integer)
           - 1
$fn$;

COMMENT ON FUNCTION marts.same_day_in_year(date, integer) IS 'p_day''s month and day in year p_year; 29 February becomes 28 February when p_year is a common year.';
GRANT EXECUTE ON FUNCTION marts.same_day_in_year(date, integer) TO metrics_writer;
