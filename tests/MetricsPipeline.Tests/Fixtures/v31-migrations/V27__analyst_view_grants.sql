-- V16 (analyst views) granted its objects to the read-only roles only where the roles already existed. On a
-- fresh PostgreSQL server they do not exist yet at V16 (V26 creates them), so warehouses ended with different
-- grants depending on the server's history. The same grants again, now that the roles always exist, so every
-- warehouse ends alike. ops.coverage_gaps (runs of days a stream was not pulled) is the one ops object the
-- analysts read; it names streams and days, not errors or hosts.
GRANT USAGE ON SCHEMA marts, ref, ops TO metrics_dashboard;
GRANT SELECT ON ops.coverage_gaps TO metrics_dashboard;
GRANT USAGE ON SCHEMA ops TO metrics_analyst;
GRANT SELECT ON ops.coverage_gaps TO metrics_analyst;
GRANT EXECUTE ON FUNCTION marts.indicators_as_of(timestamptz, text, text, text) TO metrics_analyst;
