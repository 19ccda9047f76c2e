-- Is the change from p_before to p_after more than chance gives for counts? Both are Poisson counts with
-- rates proportional to their exposures (days covered, documents issued, ...). Under "no change in rate",
-- given n = after + before the after count is Binomial(n, e_after / (e_after + e_before)) (the conditional
-- binomial test of two Poisson rates), so the p-value needs no estimate of the rate itself.
-- Returned: the one-sided p-value in the observed direction, P(X >= after) when after is at or above its
-- expectation n * share, else P(X <= after). Counts are rounded to whole events; n = 0 gives 1.
-- Numerics: n <= 1000 exactly, in log space (the first term from marts.ln_factorial, the rest of the tail as
-- a sum relative to it, stopped when a term adds less than 1e-17), so a p of 1e-300 neither under- nor
-- overflows. n > 1000: the signed root of the likelihood-ratio statistic with a continuity correction,
-- p = erfc(|r| / sqrt 2) / 2 through marts.ln_erfc (log space again). Checked against mpmath (PoissonChangeTests):
-- relative error below 1e-11 in the exact range; above it below 0.4% where p >= 1e-10 (the score's range) and
-- below 3% (0.01 in -log10 p) down to p = 1e-229.
CREATE FUNCTION marts.poisson_change_p(p_after numeric, p_before numeric,
                                       p_exposure_after numeric DEFAULT 1, p_exposure_before numeric DEFAULT 1)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
DECLARE
    v_a      bigint := round(p_after)::bigint;
    v_n      bigint := (round(p_after) + round(p_before))::bigint;
    v_share  double precision;
    v_upper  boolean;
    v_ln_first double precision;
    v_rel    double precision := 1::double precision;
    v_sum    double precision := 1::double precision;
    v_k      bigint;
    v_x      double precision;
    v_r      double precision;
    v_ln_q   double precision;
BEGIN
    IF p_after < 0 OR p_before < 0 THEN
        RAISE EXCEPTION 'poisson_change_p: counts must be >= 0 (after %, before %)', p_after, p_before;
    END IF;
    IF p_exposure_after <= 0 OR p_exposure_before <= 0 THEN
        RAISE EXCEPTION 'poisson_change_p: exposures must be > 0 (after %, before %)', p_exposure_after, p_exposure_before;
    END IF;
    IF v_n = 0 THEN
        RETURN 1::double precision;
    END IF;
    v_share := (p_exposure_after / (p_exposure_after + p_exposure_before))::double precision;
    v_upper := v_a >= v_n * v_share;

    IF v_n <= 1000 THEN
        -- ln P(X = a), then the tail away from the mean as a sum of ratios to it (each term smaller).
        v_ln_first := marts.ln_factorial(v_n) - marts.ln_factorial(v_a) - marts.ln_factorial(v_n - v_a)
                      + CASE WHEN v_a > 0 THEN v_a * ln(v_share) ELSE 0 END
                      + CASE WHEN v_n - v_a > 0 THEN (v_n - v_a) * ln(1 - v_share) ELSE 0 END;
        v_k := v_a;
        IF v_upper THEN
            WHILE v_k < v_n LOOP
                v_rel := v_rel * (v_n - v_k) / (v_k + 1) * v_share / (1 - v_share);
                v_sum := v_sum + v_rel;
                v_k := v_k + 1;
                EXIT WHEN v_rel < 1e-17 * v_sum;
            END LOOP;
        ELSE
            WHILE v_k > 0 LOOP
                v_rel := v_rel * v_k / (v_n - v_k + 1) * (1 - v_share) / v_share;
                v_sum := v_sum + v_rel;
                v_k := v_k - 1;
                EXIT WHEN v_rel < 1e-17 * v_sum;
            END LOOP;
        END IF;
        RETURN least(1.0, exp(greatest(v_ln_first + ln(v_sum), -745.0)));
    END IF;

    -- Large n: continuity-corrected count, signed root of the binomial deviance, normal tail.
    v_x := (CASE WHEN v_upper THEN v_a - 0.5 ELSE v_a + 0.5 END)::double precision;
    v_r := sqrt(greatest(0.0, 2 * (CASE WHEN v_x > 0 THEN v_x * ln(v_x / (v_n * v_share)) ELSE 0 END
                                  + CASE WHEN v_n - v_x > 0 THEN (v_n - v_x) * ln((v_n - v_x) / (v_n * (1 - v_share))) ELSE 0 END)));
    -- The corrected count on the far side of the mean means the tail holds more than half.
    IF (v_upper AND v_x < v_n * v_share) OR (NOT v_upper AND v_x > v_n * v_share) THEN
        RETURN 1 - 0.5 * exp(marts.ln_erfc(v_r / sqrt(2.0)));
    END IF;
    v_ln_q := ln(0.5) + marts.ln_erfc(v_r / sqrt(2.0));
    RETURN exp(greatest(v_ln_q, -745.0));
END;
$fn$;

COMMENT ON FUNCTION marts.poisson_change_p(numeric, numeric, numeric, numeric) IS 'One-sided p-value of a change between two Poisson counts with exposures (days covered, documents issued ...): the conditional binomial test, after ~ Binomial(after + before, exposure_after / (exposure_after + exposure_before)), in the observed direction (P(X >= after) when after is at or above its expectation, else P(X <= after)). Counts rounded to whole events; exact in log space up to 1000 events, signed-root likelihood-ratio normal approximation above. 1 when both counts are 0. Example: marts.poisson_change_p(5, 15) = 0.0207 (5 of 20 where 10 were expected).';
GRANT EXECUTE ON FUNCTION marts.poisson_change_p(numeric, numeric, numeric, numeric) TO metrics_writer, metrics_analyst;
