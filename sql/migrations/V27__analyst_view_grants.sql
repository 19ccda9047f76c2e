-- V16 (analyst views) granted its objects to the read-only roles only where the roles already existed. On a
-- fresh PostgreSQL server they do not exist yet at V16 (V26 creates them), so warehouses ended with different
-- grants depending on the server's history. The schema grants again, now that the roles always exist, so
-- every warehouse ends alike: the dashboards read marts, ref and ops objects, the analysts ops.coverage_gaps
-- (runs of days a stream was not pulled; it names streams and days, not errors or hosts). The grants on the
-- views and functions themselves (ops.coverage_gaps, marts.indicators_as_of) are in their files of the SQL
-- layer (sql/layers.txt), which migrate applies after the versioned files.
GRANT USAGE ON SCHEMA marts, ref, ops TO metrics_dashboard;
GRANT USAGE ON SCHEMA ops TO metrics_analyst;
