-- Burden hours of one (unit, category, period) from its basis and tariff.
CREATE FUNCTION marts.scm_hours(p_kind text, p_own_minutes numeric, p_items numeric, p_mean_level numeric,
                                p_minutes_per_item numeric, p_days integer)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $fn$
    SELECT CASE
        WHEN p_kind = 'flow' THEN
            CASE WHEN p_own_minutes IS NOT NULL OR p_items IS NOT NULL
                 THEN (coalesce(p_own_minutes, 0) + coalesce(p_items, 0) * p_minutes_per_item) / 60 END
        ELSE p_mean_level * p_days * p_minutes_per_item / 60
    END
$fn$;

COMMENT ON FUNCTION marts.scm_hours(text, numeric, numeric, numeric, numeric, integer) IS 'Standard Cost Model hours: flows (own minutes + items x minutes per item) / 60; stocks mean level x days x minutes per item and day / 60. NULL when nothing is known.';
GRANT EXECUTE ON FUNCTION marts.scm_hours(text, numeric, numeric, numeric, numeric, integer) TO metrics_writer;
