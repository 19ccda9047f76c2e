-- Who may do what in the warehouse, as three group roles (NOLOGIN). People and services log in as their
-- own LOGIN roles that are members of one group, for example:
--
--   CREATE ROLE metrics_app     LOGIN PASSWORD '...' IN ROLE metrics_writer;     -- the worker (every node)
--   CREATE ROLE grafana         LOGIN PASSWORD '...' IN ROLE metrics_dashboard;  -- the Grafana data source
--   CREATE ROLE analyst_zhang   LOGIN PASSWORD '...' IN ROLE metrics_analyst;    -- a person with psql
--
-- metrics_writer     what the worker needs and no more: read and write ref, facts, ops, marts and the Quartz
--                    job store; owns nothing, so it cannot drop, alter or create tables (the schema belongs
--                    to the account that runs migrate) and cannot rewrite the migration history.
-- metrics_dashboard  SELECT on the marts and on the operational views the Grafana dashboards read
--                    (ops/grafana); no raw facts, no reference tables, no scheduler state.
-- metrics_analyst    SELECT on ref, facts and marts: everything needed to reproduce a number; nothing in
--                    ops (errors, hosts, file names) or quartz (scheduler state and job data).
--
-- Roles are global to the PostgreSQL cluster while grants are per database, so the roles are created only
-- when missing (several warehouses on one server, or two migrations at the same moment, must not fail),
-- and the grants below are repeated in every warehouse database.
DO $roles$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('metrics_writer',    'MetricsPipeline worker: reads and writes ref, facts, ops, marts, quartz; owns nothing.'),
        ('metrics_dashboard', 'MetricsPipeline dashboards: SELECT on marts and the operational views the dashboards read.'),
        ('metrics_analyst',   'MetricsPipeline analysts: SELECT on ref, facts and marts; nothing in ops or quartz.')) AS v(name, description)
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', r.name);
                EXECUTE format('COMMENT ON ROLE %I IS %L', r.name, r.description);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- another migration created it a moment ago
            END;
        END IF;
    END LOOP;
END
$roles$;

-- The writer ------------------------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA ref, facts, ops, marts, quartz TO metrics_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ref, facts, ops, marts, quartz TO metrics_writer;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ref, facts, ops, marts, quartz TO metrics_writer;
-- The migration history is migrate's alone.
REVOKE INSERT, UPDATE, DELETE ON ops.schema_changelog FROM metrics_writer;

-- Tables a later migration adds get the same grants, and so do the views and functions of the SQL layer
-- (sql/layers.txt; each file also grants its object by name). Default privileges belong to the role that
-- creates the objects: run migrate with the same (owner) account every time.
ALTER DEFAULT PRIVILEGES IN SCHEMA ref, facts, ops, marts, quartz GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO metrics_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA ref, facts, ops, marts, quartz GRANT USAGE, SELECT ON SEQUENCES TO metrics_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA marts GRANT EXECUTE ON FUNCTIONS TO metrics_writer;

-- The dashboards --------------------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA marts, ops TO metrics_dashboard;
GRANT SELECT ON ALL TABLES IN SCHEMA marts TO metrics_dashboard;
ALTER DEFAULT PRIVILEGES IN SCHEMA marts GRANT SELECT ON TABLES TO metrics_dashboard;
-- In ops only what a dashboard panel reads, named one by one: a new ops table is not visible until a
-- migration grants it here, a new ops view until its layer file does (ops.source_freshness and
-- ops.stream_freshness are granted in sql/ops).
GRANT SELECT ON ops.runs, ops.windows, ops.coverage, ops.quarantine TO metrics_dashboard;

-- The analysts ----------------------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA ref, facts, marts TO metrics_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA ref, facts, marts TO metrics_analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA ref, facts, marts GRANT SELECT ON TABLES TO metrics_analyst;
