-- Readers see only what they may select. PostgreSQL lists every relation of a schema on which a role has
-- USAGE (\dv ops.*, pg_class), whether or not it may select them, so USAGE is given only where everything
-- listed is readable:
--   metrics_analyst    loses USAGE on ops. The one ops object it read, coverage_gaps, is now
--                      marts.coverage_gaps (layer file sql/marts/periods/coverage_gaps.sql); the rest of ops
--                      (errors, hosts, file names, the ledger) was never granted to it.
--   metrics_dashboard  loses USAGE on ref, where it may select nothing (V27 granted the schema only).
--                      It keeps USAGE on ops: the operations dashboard reads the ledger, coverage,
--                      quarantine and freshness there; ops.file_loads and ops.schema_changelog stay listed to
--                      it without SELECT (a service account, not a person browsing the catalog).
-- ops.coverage_gaps itself is dropped by the layer reset that follows this migration, with its grants.
REVOKE USAGE ON SCHEMA ops FROM metrics_analyst;
REVOKE USAGE ON SCHEMA ref FROM metrics_dashboard;
