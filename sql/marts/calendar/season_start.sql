-- The start of the period of the same kind and season in another year: the same ISO week number (NULL
-- when that year has no week 53), the same month, the same quarter, or the year itself.
CREATE FUNCTION marts.season_start(p_kind text, p_start date, p_year integer)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT CASE p_kind
        WHEN 'week' THEN
            CASE WHEN extract(week FROM p_start) <= extract(week FROM make_date(p_year, 12, 28))   -- weeks in p_year
                 -- Monday of ISO week 1 is the Monday on or before 4 January; then whole weeks on.
                 THEN make_date(p_year, 1, 4) - (extract(isodow FROM make_date(p_year, 1, 4))::integer - 1)
                      + 7 * (extract(week FROM p_start)::integer - 1)
            END
        WHEN 'month'   THEN make_date(p_year, extract(month FROM p_start)::integer, 1)
        WHEN 'quarter' THEN make_date(p_year, extract(month FROM p_start)::integer, 1)
        WHEN 'year'    THEN make_date(p_year, 1, 1)
    END
$fn$;

COMMENT ON FUNCTION marts.season_start(text, date, integer) IS 'First day of the period of the same kind and season in year p_year: same ISO week number (NULL if that ISO year has no week 53), month, quarter, or the year.';
GRANT EXECUTE ON FUNCTION marts.season_start(text, date, integer) TO metrics_writer;
