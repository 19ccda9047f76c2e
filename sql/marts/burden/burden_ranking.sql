-- Units of one level ranked by burden hours per FTE in one period, optionally within one unit's subtree
-- ("townships of this county", "all townships of the province").
--
-- The same rows as marts.burden_hours_by_unit filtered and ordered, computed for the ranked units only:
-- the view, filtered on unit_level, first evaluates every unit of the tree (the level is not known before
-- the units are joined), 16,888 rows for 100 townships of the 1 M event benchmark and some 500,000 for a
-- province. Here the units are chosen first and handed to the view as one array parameter, which
-- PostgreSQL pushes down to the stored sums (an ARRAY(subquery) written in the query would not be).
CREATE FUNCTION marts.burden_ranking(p_period_kind text, p_period_start date, p_level text,
                                     p_within text DEFAULT NULL)
RETURNS TABLE (
    rank                  bigint,
    unit_code             text,
    unit_name             text,
    hours                 numeric,
    subtree_headcount     bigint,
    hours_per_fte         numeric,
    share_of_working_time numeric,
    burden_index          numeric,
    reduction             numeric,
    status                text,
    status_label_zh       text,
    status_label_en       text
)
LANGUAGE plpgsql STABLE
AS $fn$
DECLARE
    v_units text[];
BEGIN
    IF p_period_kind IS NULL OR p_period_kind NOT IN ('week', 'month', 'quarter', 'year') THEN
        RAISE EXCEPTION 'marts.burden_ranking: period kind must be week, month, quarter or year, not %', coalesce(p_period_kind, 'NULL')
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- A start that is not the first day of a period of that kind, or a level no unit has, would rank
    -- nothing without saying why.
    IF p_period_start IS NULL OR p_period_start <> date_trunc(p_period_kind, p_period_start::timestamp)::date THEN
        RAISE EXCEPTION 'marts.burden_ranking: % is not the first day of a % (ISO weeks start on Monday)', coalesce(p_period_start::text, 'NULL'), p_period_kind
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ref.units l WHERE l.level = p_level) THEN
        RAISE EXCEPTION 'marts.burden_ranking: no unit has level % (ref.units.level: province, city, county, township, village)', coalesce(p_level, 'NULL')
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_within IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ref.units w WHERE w.code = p_within) THEN
        RAISE EXCEPTION 'marts.burden_ranking: unit % is not in ref.units', p_within
              USING ERRCODE = 'invalid_parameter_value';
    END IF;

    v_units := ARRAY(
        SELECT u.code
        FROM ref.units u
        WHERE u.level = p_level
          AND (p_within IS NULL
               OR EXISTS (SELECT 1 FROM marts.unit_tree t
                          WHERE t.ancestor_code = p_within AND t.descendant_code = u.code)));

    RETURN QUERY
    SELECT rank() OVER (ORDER BY b.hours_per_fte DESC NULLS LAST),
           b.unit_code, b.unit_name, b.hours, b.subtree_headcount, b.hours_per_fte, b.share_of_working_time,
           b.burden_index, b.reduction, b.status, b.status_label_zh, b.status_label_en
    FROM marts.burden_hours_by_unit b
    WHERE b.unit_code = ANY (v_units)
      AND b.period_kind = p_period_kind
      AND b.period_start = p_period_start
    ORDER BY 1, 2;
END;
$fn$;

COMMENT ON FUNCTION marts.burden_ranking(text, date, text, text) IS 'Units of level p_level (township, county ...) ranked by burden hours per FTE in the period (p_period_kind week, month, quarter or year starting p_period_start), within the subtree of p_within if given (NULL: the whole tree). One row per ranked unit with hours: rank (1 = most hours per FTE; units without staff last), unit_code, unit_name, hours, subtree_headcount (FTE), hours_per_fte, share_of_working_time (fraction), burden_index (base = 100), reduction (fraction), status, status_label_zh, status_label_en; each as in marts.burden_hours_by_unit, which this reads for the chosen units only (fast at a province''s size).';
GRANT EXECUTE ON FUNCTION marts.burden_ranking(text, date, text, text) TO metrics_analyst;
GRANT EXECUTE ON FUNCTION marts.burden_ranking(text, date, text, text) TO metrics_dashboard;
GRANT EXECUTE ON FUNCTION marts.burden_ranking(text, date, text, text) TO metrics_writer;
