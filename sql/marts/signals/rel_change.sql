CREATE FUNCTION marts.rel_change(p_after numeric, p_before numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $fn$ SELECT CASE WHEN p_before > 0 THEN p_after / p_before - 1 END $fn$;

COMMENT ON FUNCTION marts.rel_change(numeric, numeric) IS 'after / before - 1, NULL unless before > 0.';
GRANT EXECUTE ON FUNCTION marts.rel_change(numeric, numeric) TO metrics_writer;
