-- Runs first whenever the layer is applied (sql/layers.txt): drops every view and function of the warehouse's
-- own schemas, so that each layer file can CREATE its object from scratch (CREATE OR REPLACE cannot change a
-- view's columns or a function's result type), and an object removed from the layer leaves the warehouse.
-- Everything runs in migrate's one transaction: readers see the old objects until the new ones commit.
--
-- Views go with CASCADE (a view on a view); functions without it: a table column, default or constraint
-- that used a function would be dropped with it, so such a dependency fails migrate loudly instead.
DO $reset$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT format('DROP VIEW IF EXISTS %I.%I CASCADE', n.nspname, c.relname) AS statement
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v' AND n.nspname IN ('ref', 'facts', 'ops', 'marts')
    LOOP
        EXECUTE r.statement;
    END LOOP;
    FOR r IN
        SELECT format('DROP FUNCTION %s', p.oid::regprocedure) AS statement
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind = 'f' AND n.nspname IN ('ref', 'facts', 'ops', 'marts')
          -- functions of installed extensions belong to the extension, not to the layer
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE r.statement;
    END LOOP;
END
$reset$;
