-- Every (category, source, stream, day) cell that coverage expects in [p_from, p_to], and whether it was pulled.
-- A cell is expected for each active stream whose categories include the category, for each day from the
-- stream's history_from through today; it is covered when ops.coverage has the (source, stream, day) row.
CREATE FUNCTION marts.coverage_cells(p_from date, p_to date, p_categories text[])
RETURNS TABLE (category text, source text, stream text, day date, covered boolean)
LANGUAGE sql STABLE STRICT
ROWS 2000
AS $fn$
    SELECT c.category, s.source, s.stream, d.day::date, cov.day IS NOT NULL
    FROM (SELECT DISTINCT unnest(p_categories) AS category) c
    JOIN ref.streams s ON s.active AND c.category = ANY (s.categories)
    CROSS JOIN LATERAL generate_series(greatest(p_from, s.history_from)::timestamp, least(p_to, current_date)::timestamp, interval '1 day') AS d(day)
    LEFT JOIN ops.coverage cov ON cov.source = s.source AND cov.stream = s.stream AND cov.day = d.day::date
$fn$;

COMMENT ON FUNCTION marts.coverage_cells(date, date, text[]) IS 'Expected coverage cells in [p_from, p_to] for the categories: one row per category, active stream feeding it (source, stream) and day from the stream''s history_from through current_date; covered = ops.coverage has the row.';
GRANT EXECUTE ON FUNCTION marts.coverage_cells(date, date, text[]) TO metrics_writer;
