-- The work table of fact changes a refresh takes from ops.fact_deltas (marts.apply_fact_deltas, and
-- marts.refresh_periods for the days it reads) and hands to marts.add_fact_deltas; dropped at commit.
CREATE FUNCTION marts.create_delta_taken()
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
    DROP TABLE IF EXISTS pg_temp.delta_taken;
    CREATE TEMP TABLE delta_taken (
        source     text    NOT NULL,
        stream     text    NOT NULL,
        day        date    NOT NULL,
        unit_code  text    NOT NULL,
        category   text    NOT NULL,
        measure    text    NOT NULL,
        delta      numeric NOT NULL
    ) ON COMMIT DROP;
END;
$fn$;

COMMENT ON FUNCTION marts.create_delta_taken() IS 'Creates (afresh) the temp table delta_taken (source, stream, day, unit_code, category, measure, delta) of the calling transaction, dropped at commit: the fact changes a refresh takes from ops.fact_deltas.';
GRANT EXECUTE ON FUNCTION marts.create_delta_taken() TO metrics_writer;
