-- ln(erfc(x)) for x >= 0, without underflow far in the tail (erfc(40) is 1e-697, below float8): the Chebyshev
-- fit of Numerical Recipes (2nd ed., 6.2, erfcc; fractional error of erfc below 1.2e-7 for every x >= 0),
-- which is written as exp(-x^2 + polynomial) and so gives the logarithm directly. PostgreSQL 15 has no erfc().
CREATE FUNCTION marts.ln_erfc(p_x double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
SELECT CASE WHEN p_x < 0 THEN NULL ELSE
       -p_x * p_x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
       + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
       + ln(t) END
FROM (SELECT 1.0 / (1.0 + 0.5 * abs(p_x)) AS t) AS s
$fn$;

COMMENT ON FUNCTION marts.ln_erfc(double precision) IS 'Natural log of the complementary error function erfc(x) for x >= 0 (NULL for x < 0), relative error of erfc below 1.2e-7, no underflow for large x. Used by marts.poisson_change_p above its exact range.';
GRANT EXECUTE ON FUNCTION marts.ln_erfc(double precision) TO metrics_writer;
