-- The org tree as a closure, computed from ref.units: one row per (ancestor, descendant) pair, the unit
-- itself included at depth 0. Inactive units stay in, so history recorded under a merged or abolished
-- unit still rolls up to its parents.
CREATE FUNCTION marts.org_closure()
RETURNS TABLE (ancestor_code text, descendant_code text, depth integer)
LANGUAGE sql STABLE
AS $fn$
    WITH RECURSIVE tree (ancestor_code, descendant_code, depth) AS (
        SELECT u.code, u.code, 0
        FROM ref.units u
        UNION ALL
        SELECT tree.ancestor_code, child.code, tree.depth + 1
        FROM tree
        JOIN ref.units child ON child.parent_code = tree.descendant_code
    ) CYCLE descendant_code SET in_cycle USING path   -- a parent_code loop in the file must not hang us
    SELECT ancestor_code, descendant_code, depth
    FROM tree
    WHERE NOT in_cycle
$fn$;

COMMENT ON FUNCTION marts.org_closure() IS 'Org-tree closure computed from ref.units now: (ancestor_code, descendant_code, depth), each unit paired with itself at depth 0, inactive units included.';
GRANT EXECUTE ON FUNCTION marts.org_closure() TO metrics_writer;
