-- Whether marts.unit_tree (the closure the marts were rolled up with) still matches ref.units: when it does
-- not, every period rolls up differently and the refresh recomputes the touched years from facts.
CREATE FUNCTION marts.unit_tree_is_current()
RETURNS boolean
LANGUAGE sql STABLE
AS $fn$
    SELECT NOT EXISTS (SELECT * FROM marts.org_closure() EXCEPT SELECT * FROM marts.unit_tree)
       AND NOT EXISTS (SELECT * FROM marts.unit_tree EXCEPT SELECT * FROM marts.org_closure())
$fn$;

COMMENT ON FUNCTION marts.unit_tree_is_current() IS 'true when marts.unit_tree equals the closure of ref.units now (marts.org_closure); false after the org tree changed and before the next refresh rebuilt it.';
GRANT EXECUTE ON FUNCTION marts.unit_tree_is_current() TO metrics_writer;
