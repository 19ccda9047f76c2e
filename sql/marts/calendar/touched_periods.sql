-- The ISO weeks, months, quarters and years that contain at least one day of [p_from, p_to].
CREATE FUNCTION marts.touched_periods(p_from date, p_to date)
RETURNS TABLE (period_kind text, period_start date, period_end date)
LANGUAGE sql IMMUTABLE STRICT
ROWS 8   -- typically one or two weeks and months, one quarter and one year
AS $fn$
    SELECT 'week', w::date, (w + interval '6 days')::date
    FROM generate_series(date_trunc('week', p_from::timestamp), date_trunc('week', p_to::timestamp), interval '1 week') AS w
    UNION ALL
    SELECT 'month', m::date, (m + interval '1 month' - interval '1 day')::date
    FROM generate_series(date_trunc('month', p_from::timestamp), date_trunc('month', p_to::timestamp), interval '1 month') AS m
    UNION ALL
    SELECT 'quarter', q::date, (q + interval '3 months' - interval '1 day')::date
    FROM generate_series(date_trunc('quarter', p_from::timestamp), date_trunc('quarter', p_to::timestamp), interval '3 months') AS q
    UNION ALL
    SELECT 'year', y::date, (y + interval '1 year' - interval '1 day')::date
    FROM generate_series(date_trunc('year', p_from::timestamp), date_trunc('year', p_to::timestamp), interval '1 year') AS y
$fn$;

COMMENT ON FUNCTION marts.touched_periods(date, date) IS 'ISO weeks, calendar months, quarters and years overlapping [p_from, p_to]: period_kind (week|month|quarter|year), period_start and period_end (first and last day).';
GRANT EXECUTE ON FUNCTION marts.touched_periods(date, date) TO metrics_writer;
