-- V45: signals an analyst can act on (issue 12, point 2). Every signal now has a minimum volume and a test
-- of its change against chance for counts (marts.poisson_change_p), and one score on one scale across
-- signal types (marts.signal_score: -log10 p, capped at 10). A signal is judged on the unit's own counts as
-- well as its subtree's (scope), and a child's signal that only repeats its parent's is grouped under it
-- (grouped_under). New signal: document_cascade (层层加码 from documents alone).
-- Rows computed before V45 keep their old score (then the effect) until their period is refreshed; effect
-- takes that value, scope 'subtree' (the only scope then), p_value stays NULL.

-- One name for the minimum volume of every signal.
UPDATE ref.signal_thresholds SET key = 'min_volume',
       description = 'the parent issued at least this many tasks in the quarter (own count)'
WHERE signal = 'escalation' AND key = 'min_items';
UPDATE ref.signal_thresholds SET key = 'min_volume',
       description = 'at least this many children at the target'
WHERE signal = 'target_heaping' AND key = 'min_units';

INSERT INTO ref.signal_thresholds (signal, key, value, description) VALUES
    ('meetings_online',         'min_volume', 10,    'offline meetings a year earlier (count, the scope''s own or subtree''s)'),
    ('relabelled_documents',    'min_volume', 20,    'formal documents a year earlier (count)'),
    ('longer_documents',        'min_volume', 20,    'formal documents a year earlier (count)'),
    ('inspections_to_requests', 'min_volume', 10,    'on-site inspections a year earlier (count)'),
    ('apps_to_groups',          'min_volume', 5,     'mean apps in use a year earlier'),
    ('rebound',                 'min_volume', 10,    'the flow''s count in the base quarter'),
    ('base_inflation',          'min_volume', 10,    'mean count of the base year''s first three quarters'),
    ('target_heaping',          'band',       0.10,  'reductions within this of the target (either side) are the neighbourhood the children at the target are compared with (chance share = tolerance / band)'),
    ('document_cascade',        'ratio',      1.50,  'documents per child per parent document at least this many times the same-level peers'' ratio'),
    ('document_cascade',        'rise',       1.50,  'or at least this many times the unit''s own ratio a year earlier'),
    ('document_cascade',        'min_volume', 20,    'the parent received at least this many documents itself in the quarter (own count), in both compared periods'),
    ('meetings_online',         'p_max',      0.001, 'fires only when the change is this unlikely from counts alone (one-sided p-value; score = -log10 p)'),
    ('relabelled_documents',    'p_max',      0.001, 'fires only when the formal share of documents fell this unlikely by chance'),
    ('longer_documents',        'p_max',      0.001, 'fires only when both the formal drop and the pages-per-document rise are this unlikely by chance'),
    ('inspections_to_requests', 'p_max',      0.001, 'fires only when the on-site share of inspections + requests fell this unlikely by chance'),
    ('apps_to_groups',          'p_max',      0.001, 'fires only when the shift from apps (to groups or check-ins) is this unlikely by chance'),
    ('escalation',              'p_max',      0.001, 'fires only when children received more than one to one this unlikely by chance'),
    ('rebound',                 'p_max',      0.001, 'fires only when both the reduction (corrected for the quarters searched) and the rise back are this unlikely by chance'),
    ('base_inflation',          'p_max',      0.001, 'fires only when the last quarter''s jump is this unlikely by chance'),
    ('target_heaping',          'p_max',      0.001, 'fires only when this many children at the target is this unlikely under a smooth spread'),
    ('document_cascade',        'p_max',      0.001, 'fires only when the excess over the peers (or over a year earlier) is this unlikely by chance');

ALTER TABLE marts.signals
    ADD COLUMN p_value       double precision NULL,
    ADD COLUMN effect        numeric NULL,
    ADD COLUMN scope         text NULL CHECK (scope IN ('own', 'subtree', 'both')),
    ADD COLUMN grouped_under bigint NULL REFERENCES marts.signals (signal_id) ON DELETE SET NULL;
CREATE INDEX signals_grouped_under_idx ON marts.signals (grouped_under) WHERE grouped_under IS NOT NULL;
UPDATE marts.signals SET effect = score, scope = 'subtree';

ALTER TABLE marts.signal_evidence ADD COLUMN p_value double precision NULL;

COMMENT ON COLUMN marts.signals.signal IS 'meetings_online, relabelled_documents, longer_documents, inspections_to_requests, apps_to_groups, escalation, document_cascade, rebound, base_inflation, target_heaping (README, ref.signal_thresholds).';
COMMENT ON COLUMN marts.signals.unit_code IS 'Unit the signal is about (its own counts or its subtree, see scope; for escalation, document_cascade and target_heaping the parent unit).';
COMMENT ON COLUMN marts.signals.score IS 'Comparable strength on one scale for every signal: -log10(p_value), capped at 10, 0.01 steps (3 = a 1-in-1,000 chance; marts.signal_score). Rows computed before V45: the old effect until their period is refreshed.';
COMMENT ON COLUMN marts.signals.p_value IS 'One-sided p-value: the chance of a change at least this large from counts alone (marts.poisson_change_p; for signals over two tests the larger p). The signal fires only at or below its p_max (ref.signal_thresholds). NULL on rows computed before V45.';
COMMENT ON COLUMN marts.signals.effect IS 'Size of the change in the signal''s own terms: the main moving series'' relative change as a positive fraction (0.45 = 45% drop), the ratio for escalation, the ratio to the peers'' (or a year earlier''s) ratio for document_cascade, the share of children at the target for target_heaping.';
COMMENT ON COLUMN marts.signals.scope IS 'Whose counts fired: own (the unit''s own facts; every leaf unit), subtree (the unit with its descendants), both (each fired; evidence and score from the stronger). escalation, document_cascade: own; target_heaping: subtree.';
COMMENT ON COLUMN marts.signals.grouped_under IS 'signal_id of the parent unit''s signal of the same kind, category and period that this one only repeats (its change is not significantly beyond the rest of the parent''s subtree); NULL when the signal stands on its own. Default listings show the parent with the count of grouped children.';
COMMENT ON COLUMN marts.signal_evidence.p_value IS 'One-sided p-value of this series'' change (marts.poisson_change_p) where a test was made on it; NULL otherwise.';
