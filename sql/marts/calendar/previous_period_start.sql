CREATE FUNCTION marts.previous_period_start(p_kind text, p_start date)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT
AS $fn$
    SELECT CASE p_kind
        WHEN 'week'    THEN p_start - 7
        WHEN 'month'   THEN (p_start - interval '1 month')::date
        WHEN 'quarter' THEN (p_start - interval '3 months')::date
        WHEN 'year'    THEN (p_start - interval '1 year')::date
    END
$fn$;

COMMENT ON FUNCTION marts.previous_period_start(text, date) IS 'First day of the previous period of the same kind (week, month, quarter, year).';
GRANT EXECUTE ON FUNCTION marts.previous_period_start(text, date) TO metrics_writer;
