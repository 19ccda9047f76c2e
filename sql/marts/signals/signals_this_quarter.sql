CREATE VIEW marts.signals_this_quarter AS
SELECT s.*
FROM marts.signals_with_evidence s
WHERE s.period_end >= (date_trunc('quarter', current_date) - interval '3 months')::date;

COMMENT ON VIEW marts.signals_this_quarter IS 'Signals whose period ends in the last ended quarter or later (quarterly signals of that quarter, yearly ones of a year ending then). Grain: one row per signal. Columns as in marts.signals_with_evidence.';
GRANT SELECT ON marts.signals_this_quarter TO metrics_analyst;
GRANT SELECT ON marts.signals_this_quarter TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.signals_this_quarter TO metrics_writer;
