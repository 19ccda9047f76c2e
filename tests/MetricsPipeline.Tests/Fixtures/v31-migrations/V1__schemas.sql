-- The warehouse is split by who writes and who reads:
--   ref    reference data the pipeline syncs from configuration and the org-units file
--   facts  normalized daily counts, one grain
--   ops    the operational record: runs, per-window ledger, coverage, quarantine
--   marts  indicators computed from facts, the layer analysts and dashboards read
--   quartz the scheduler's persistent job store (see V5)
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS facts;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS marts;

COMMENT ON SCHEMA ref IS 'Reference data: org units, the category taxonomy, source code maps, indicator targets.';
COMMENT ON SCHEMA facts IS 'Normalized facts: one row per unit, category, measure, local day, source and stream.';
COMMENT ON SCHEMA ops IS 'Operations: pipeline runs, the per-window ledger, coverage per source/stream/day, quarantined rows.';
COMMENT ON SCHEMA marts IS 'Indicators computed from facts; the stable surface for analysts and dashboards.';
