-- The period of each kind a day belongs to; the refresh joins on these instead of range conditions.
CREATE FUNCTION marts.period_starts(p_day date)
RETURNS TABLE (period_kind text, period_start date)
LANGUAGE sql IMMUTABLE STRICT
ROWS 4
AS $fn$
    VALUES ('week',    date_trunc('week',    p_day::timestamp)::date),
           ('month',   date_trunc('month',   p_day::timestamp)::date),
           ('quarter', date_trunc('quarter', p_day::timestamp)::date),
           ('year',    date_trunc('year',    p_day::timestamp)::date)
$fn$;

COMMENT ON FUNCTION marts.period_starts(date) IS 'The ISO week, month, quarter and year a day belongs to: (period_kind, period_start).';
GRANT EXECUTE ON FUNCTION marts.period_starts(date) TO metrics_writer;
