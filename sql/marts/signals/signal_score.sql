-- The score every signal carries, so that signals of different kinds sort on one scale: -log10 of the
-- signal's p-value (the chance of a change at least as large from counts alone), capped at 10 (p <= 1e-10:
-- beyond that, counts of thousands make every real shift "infinitely" significant and the order among them
-- says nothing). 2 = a 1-in-100 chance, 3 = 1 in 1,000 (the default p_max of every signal).
CREATE FUNCTION marts.signal_score(p_value double precision)
RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$ SELECT round(least(10.0, -log(greatest(p_value, 1e-300)))::numeric, 2) $fn$;

COMMENT ON FUNCTION marts.signal_score(double precision) IS 'Comparable signal score: -log10(p), capped at 10, rounded to 0.01 (2 = 1-in-100 chance, 3 = 1 in 1,000, 10 = p <= 1e-10).';
GRANT EXECUTE ON FUNCTION marts.signal_score(double precision) TO metrics_writer, metrics_analyst;
