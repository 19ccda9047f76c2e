-- The analysts' default listing: the signals of the last ended quarter that stand on their own; a parent's
-- signal shows how many of its children's signals only repeat it (grouped_children), and those are left out.
CREATE VIEW marts.signals_this_quarter AS
SELECT s.*
FROM marts.signals_with_evidence s
WHERE s.period_end >= (date_trunc('quarter', current_date) - interval '3 months')::date
  AND s.grouped_under IS NULL;

COMMENT ON VIEW marts.signals_this_quarter IS 'Signals whose period ends in the last ended quarter or later (quarterly signals of that quarter, yearly ones of a year ending then), without those grouped under their parent''s signal (see grouped_children; marts.signals_with_evidence has them all). Grain: one row per signal.';
COMMENT ON COLUMN marts.signals_this_quarter.signal_id IS 'marts.signals.signal_id.';
COMMENT ON COLUMN marts.signals_this_quarter.signal IS 'Signal name (see marts.signals and README, Disguised-burden signals).';
COMMENT ON COLUMN marts.signals_this_quarter.unit_code IS 'Unit the signal is about.';
COMMENT ON COLUMN marts.signals_this_quarter.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.signals_this_quarter.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.signals_this_quarter.category IS 'Category concerned (rebound, base_inflation, target_heaping); NULL otherwise.';
COMMENT ON COLUMN marts.signals_this_quarter.period_kind IS 'quarter or year.';
COMMENT ON COLUMN marts.signals_this_quarter.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.signals_this_quarter.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.signals_this_quarter.started_on IS 'First day of the unbroken run of periods with this signal.';
COMMENT ON COLUMN marts.signals_this_quarter.score IS 'Comparable strength: -log10(p_value) capped at 10 (3 = a 1-in-1,000 chance).';
COMMENT ON COLUMN marts.signals_this_quarter.summary IS 'One sentence, ending with whose counts fired and the p-value.';
COMMENT ON COLUMN marts.signals_this_quarter.evidence IS 'Every evidence series as "series: before -> after (change%), p = p-value", values in the series'' units.';
COMMENT ON COLUMN marts.signals_this_quarter.computed_at IS 'UTC time of the refresh that computed it.';
COMMENT ON COLUMN marts.signals_this_quarter.p_value IS 'One-sided p-value of the change from counts alone.';
COMMENT ON COLUMN marts.signals_this_quarter.effect IS 'Size of the change in the signal''s own terms (a fraction, or a ratio for escalation and document_cascade).';
COMMENT ON COLUMN marts.signals_this_quarter.scope IS 'own (the unit''s own counts), subtree (with its descendants) or both.';
COMMENT ON COLUMN marts.signals_this_quarter.grouped_under IS 'Always NULL here (grouped signals are left out); kept so the columns match marts.signals_with_evidence.';
COMMENT ON COLUMN marts.signals_this_quarter.grouped_children IS 'Number of signals of units below that only repeat this one (directly or through a grouped child) and are left out of this list; marts.signals_with_evidence lists them (grouped_under). Signals.';
GRANT SELECT ON marts.signals_this_quarter TO metrics_analyst;
GRANT SELECT ON marts.signals_this_quarter TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.signals_this_quarter TO metrics_writer;
