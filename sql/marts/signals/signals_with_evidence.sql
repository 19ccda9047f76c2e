-- The signals dashboards list, with the evidence in one readable line, and how they group: a child's
-- signal that only repeats its parent's points at it (grouped_under); the parent counts them.
CREATE VIEW marts.signals_with_evidence AS
SELECT s.signal_id, s.signal, s.unit_code, u.name AS unit_name, u.level AS unit_level, s.category,
       s.period_kind, s.period_start, s.period_end, s.started_on, s.score, s.summary,
       (SELECT string_agg(format('%s: %s -> %s%s%s', e.series, round(e.before_value, 2), round(e.after_value, 2),
                                 coalesce(' (' || round(100 * e.change) || '%)', ''),
                                 coalesce(', p = ' || CASE WHEN e.p_value >= 0.001 THEN round(e.p_value::numeric, 4)::text
                                                           ELSE trim(to_char(e.p_value, '9.9EEEE')) END, '')),
                          '; ' ORDER BY e.series)
        FROM marts.signal_evidence e WHERE e.signal_id = s.signal_id) AS evidence,
       s.computed_at, s.p_value, s.effect, s.scope, s.grouped_under,
       (WITH RECURSIVE grouped AS (
            SELECT c.signal_id FROM marts.signals c WHERE c.grouped_under = s.signal_id
            UNION ALL
            SELECT c.signal_id FROM marts.signals c JOIN grouped g ON c.grouped_under = g.signal_id)
        SELECT count(*) FROM grouped) AS grouped_children,
       -- V47, after every earlier column (queries reading by position keep working): the labels and the Chinese summary.
       st.label_zh AS signal_label_zh, st.label_en AS signal_label_en, s.summary_zh,
       -- After those: the category's labels (NULL for a signal of a whole unit), for readers who cannot read ref (the dashboards).
       cat.label_zh AS category_label_zh, cat.label_en AS category_label_en
FROM marts.signals s
LEFT JOIN ref.units u ON u.code = s.unit_code
LEFT JOIN ref.signal_types st ON st.signal = s.signal
LEFT JOIN ref.categories cat ON cat.category = s.category;

COMMENT ON VIEW marts.signals_with_evidence IS 'marts.signals with the unit''s name and level, the signal type''s Chinese and English labels (ref.signal_types), the summary in both languages, the evidence as one line ("series: before -> after (change%), p = ...") and the grouping (grouped_under, grouped_children). Grain: one row per signal, grouped children included; marts.signals_this_quarter lists only the signals that stand on their own.';
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
COMMENT ON COLUMN marts.signals_with_evidence.score IS 'Comparable strength, the same scale for every signal: -log10(p_value) capped at 10 (3 = a 1-in-1,000 chance). Sort on it.';
COMMENT ON COLUMN marts.signals_with_evidence.summary IS 'One sentence in English, ending with whose counts fired and the p-value (summary_zh: the same in Chinese).';
COMMENT ON COLUMN marts.signals_with_evidence.evidence IS 'Every evidence series as "series: before -> after (change%), p = p-value", values in the series'' units; p only on the series a test was made on.';
COMMENT ON COLUMN marts.signals_with_evidence.computed_at IS 'UTC time of the refresh that computed it.';
COMMENT ON COLUMN marts.signals_with_evidence.p_value IS 'One-sided p-value of the change from counts alone (marts.signals.p_value).';
COMMENT ON COLUMN marts.signals_with_evidence.effect IS 'Size of the change in the signal''s own terms (marts.signals.effect): a fraction, or a ratio for escalation and document_cascade.';
COMMENT ON COLUMN marts.signals_with_evidence.scope IS 'own (the unit''s own counts), subtree (with its descendants) or both.';
COMMENT ON COLUMN marts.signals_with_evidence.grouped_under IS 'signal_id of the parent unit''s signal this one only repeats; NULL when it stands on its own.';
COMMENT ON COLUMN marts.signals_with_evidence.grouped_children IS 'Number of signals of units below grouped under this one, directly or through a grouped child (they repeat it; find them with grouped_under). Signals.';
COMMENT ON COLUMN marts.signals_with_evidence.signal_label_zh IS 'Chinese name of the signal type (ref.signal_types.label_zh), shown to readers first.';
COMMENT ON COLUMN marts.signals_with_evidence.signal_label_en IS 'English name of the signal type (ref.signal_types.label_en).';
COMMENT ON COLUMN marts.signals_with_evidence.summary_zh IS 'The summary in Chinese: the same sentence and numbers as summary, ending with whose counts fired and the same p-value (marts.signals.summary_zh).';
COMMENT ON COLUMN marts.signals_with_evidence.category_label_zh IS 'Chinese label of the category (ref.categories.label_zh); NULL when the signal has no category.';
COMMENT ON COLUMN marts.signals_with_evidence.category_label_en IS 'English label of the category (ref.categories.label_en); NULL when the signal has no category.';
GRANT SELECT ON marts.signals_with_evidence TO metrics_analyst;
GRANT SELECT ON marts.signals_with_evidence TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.signals_with_evidence TO metrics_writer;
