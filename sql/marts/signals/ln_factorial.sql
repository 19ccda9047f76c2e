-- ln(n!) for a count n >= 0, in double precision, without overflow: exact below 15 (14! fits a float8
-- exactly), Stirling's series with four correction terms from 15 on (truncation error below 1e-13 there).
-- PostgreSQL 15 has no lgamma(); this is the part of it the count tests need.
CREATE FUNCTION marts.ln_factorial(p_n bigint)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
SELECT CASE
           WHEN p_n < 0 THEN NULL
           WHEN p_n < 15 THEN ln(factorial(p_n)::double precision)
           ELSE (p_n + 0.5) * ln(p_n::double precision) - p_n + 0.918938533204672742
                + 1.0 / (12.0 * p_n) - 1.0 / (360.0 * p_n ^ 3) + 1.0 / (1260.0 * p_n ^ 5) - 1.0 / (1680.0 * p_n ^ 7)
       END
$fn$;

COMMENT ON FUNCTION marts.ln_factorial(bigint) IS 'Natural log of n! (n >= 0; NULL for negative n), double precision: exact below 15, Stirling''s series (error < 1e-13) from 15 on. Used by marts.poisson_change_p.';
GRANT EXECUTE ON FUNCTION marts.ln_factorial(bigint) TO metrics_writer;
