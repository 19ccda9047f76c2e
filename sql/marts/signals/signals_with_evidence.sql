-- The signals dashboards list, with the evidence in one readable line.
CREATE VIEW marts.signals_with_evidence AS
SELECT s.signal_id, s.signal, s.unit_code, u.name AS unit_name, u.level AS unit_level, s.category,
       s.period_kind, s.period_start, s.period_end, s.started_on, s.score, s.summary,
       (SELECT string_agg(format('%s: %s -> %s%s', e.series, round(e.before_value, 2), round(e.after_value, 2),
                                 coalesce(' (' || round(100 * e.change) || '%)', '')), '; ' ORDER BY e.series)
        FROM marts.signal_evidence e WHERE e.signal_id = s.signal_id) AS evidence,
       s.computed_at
FROM marts.signals s
LEFT JOIN ref.units u ON u.code = s.unit_code;

COMMENT ON VIEW marts.signals_with_evidence IS 'marts.signals with the unit''s name and level and the evidence as one line ("series: before -> after (change%)"). Grain: one row per signal.';
COMMENT ON COLUMN marts.signals_with_evidence.signal_id IS 'marts.signals.signal_id.';
COMMENT ON COLUMN marts.signals_with_evidence.signal IS 'Signal name (see marts.signals).';
COMMENT ON COLUMN marts.signals_with_evidence.unit_code IS 'Unit the signal is about.';
COMMENT ON COLUMN marts.signals_with_evidence.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.signals_with_evidence.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.signals_with_evidence.category IS 'Category concerned (rebound, base_inflation, target_heaping); NULL otherwise.';
COMMENT ON COLUMN marts.signals_with_evidence.period_kind IS 'quarter or year.';
COMMENT ON COLUMN marts.signals_with_evidence.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.signals_with_evidence.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.signals_with_evidence.started_on IS 'First day of the unbroken run of periods with this signal.';
COMMENT ON COLUMN marts.signals_with_evidence.score IS 'Strength (see marts.signals.score).';
COMMENT ON COLUMN marts.signals_with_evidence.summary IS 'One sentence.';
COMMENT ON COLUMN marts.signals_with_evidence.evidence IS 'Every evidence series as "series: before -> after (change%)", values in the series'' units.';
COMMENT ON COLUMN marts.signals_with_evidence.computed_at IS 'UTC time of the refresh that computed it.';
GRANT SELECT ON marts.signals_with_evidence TO metrics_analyst;
GRANT SELECT ON marts.signals_with_evidence TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.signals_with_evidence TO metrics_writer;
