-- V15: disguised-burden signals (domain.md, "Disguised burden"): alerts with their evidence, never a
-- correction of the numbers.
--
-- Signals are computed per unit (its subtree, like every value) and calendar quarter from the stored
-- quarter values, comparing a quarter with the same quarter one year earlier (season removed), except:
--   escalation       per parent unit and quarter, from the units' own task counts (not their subtrees)
--   rebound          a quarter above its base after a reduction in the eight quarters before
--   base_inflation   the base year's last quarter against its first three (period = that quarter)
--   target_heaping   per parent unit, category and year: children's reductions heaped at the target
-- marts.refresh_periods calls marts.refresh_signals for the days it refreshed: the quarters (and years)
-- holding them and those one year later (whose "year before" changed) are recomputed, only ended ones,
-- only where every series involved has coverage at or above the threshold in both periods.
--
-- This file keeps the thresholds and the tables the signals are stored in. The functions and the view
-- released with it (marts.rel_change, marts.refresh_signals, marts.signals_with_evidence) are defined in
-- the SQL layer (sql/layers.txt), which migrate applies after the versioned files.

CREATE TABLE ref.signal_thresholds (
    signal       text    NOT NULL,
    key          text    NOT NULL,
    value        numeric NOT NULL,
    description  text    NOT NULL,
    PRIMARY KEY (signal, key)
);

COMMENT ON TABLE ref.signal_thresholds IS 'Thresholds of the disguised-burden signals. Grain: one row per signal and setting. Edit the value to tune a signal; the next refresh of a period uses it.';
COMMENT ON COLUMN ref.signal_thresholds.signal IS 'Signal name (marts.signals.signal).';
COMMENT ON COLUMN ref.signal_thresholds.key IS 'Setting name.';
COMMENT ON COLUMN ref.signal_thresholds.value IS 'Fractions are relative changes (0.20 = 20%); ratios and counts as described.';
COMMENT ON COLUMN ref.signal_thresholds.description IS 'What the setting means.';

INSERT INTO ref.signal_thresholds (signal, key, value, description) VALUES
    ('meetings_online',         'drop',       0.20, 'offline meeting count at least this much lower than a year earlier'),
    ('meetings_online',         'rise',       0.20, 'online meeting minutes at least this much higher'),
    ('meetings_online',         'flat',       0.10, 'total attendee minutes (offline + online) within this much of a year earlier'),
    ('relabelled_documents',    'drop',       0.20, 'formal document count at least this much lower than a year earlier'),
    ('relabelled_documents',    'offset',     0.25, 'the informal increase matches the formal decrease within this fraction of the decrease'),
    ('relabelled_documents',    'flat',       0.10, 'total documents (formal + informal) within this much of a year earlier'),
    ('longer_documents',        'drop',       0.20, 'formal document count at least this much lower than a year earlier'),
    ('longer_documents',        'rise',       0.20, 'pages per formal document at least this much higher'),
    ('inspections_to_requests', 'drop',       0.20, 'on-site inspection count at least this much lower than a year earlier'),
    ('inspections_to_requests', 'rise',       0.20, 'data request count at least this much higher'),
    ('apps_to_groups',          'drop',       0.20, 'mean apps in use at least this much lower than a year earlier'),
    ('apps_to_groups',          'rise',       0.20, 'mean work groups in use, or check-ins, at least this much higher'),
    ('apps_to_groups',          'flat',       0.10, 'apps + work groups per FTE no more than this much lower (flat or up)'),
    ('escalation',              'ratio',      1.20, 'tasks received per child per task issued by the parent at least this (1 = passed on one to one)'),
    ('escalation',              'min_items',  5,    'the parent issued at least this many tasks in the quarter'),
    ('rebound',                 'reduction',  0.20, 'an earlier quarter of the last eight was at least this much below its base'),
    ('rebound',                 'above',      0.00, 'the quarter is more than this fraction above its base (0 = back above base)'),
    ('base_inflation',          'jump',       0.30, 'the base year''s last quarter at least this much above the mean of its first three quarters'),
    ('target_heaping',          'tolerance',  0.005, 'a reduction within this of the target counts as at the target (0.005 = half a percentage point)'),
    ('target_heaping',          'min_units',  3,    'at least this many children at the target'),
    ('target_heaping',          'min_share',  0.50, 'and at least this share of the children with a published reduction');

CREATE TABLE marts.signals (
    signal_id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signal        text        NOT NULL,
    unit_code     text        NOT NULL,
    category      text        NULL,
    period_kind   text        NOT NULL CHECK (period_kind IN ('quarter', 'year')),
    period_start  date        NOT NULL,
    period_end    date        NOT NULL,
    started_on    date        NOT NULL,
    score         numeric     NOT NULL,
    summary       text        NOT NULL,
    computed_at   timestamptz NOT NULL,
    UNIQUE (signal, unit_code, category, period_kind, period_start)
);
CREATE INDEX signals_period_idx ON marts.signals (period_kind, period_start);
CREATE INDEX signals_unit_idx ON marts.signals (unit_code, period_start);

COMMENT ON TABLE marts.signals IS 'Disguised-burden signals: patterns in the counts that suggest burden moved rather than shrank, or figures gamed. Grain: one row per signal x unit x (category) x period. An alert with evidence in marts.signal_evidence, never a correction of the numbers.';
COMMENT ON COLUMN marts.signals.signal_id IS 'Identifier; marts.signal_evidence.signal_id.';
COMMENT ON COLUMN marts.signals.signal IS 'meetings_online, relabelled_documents, longer_documents, inspections_to_requests, apps_to_groups, escalation, rebound, base_inflation, target_heaping (README, ref.signal_thresholds).';
COMMENT ON COLUMN marts.signals.unit_code IS 'Unit the signal is about (its subtree; for escalation and target_heaping the parent unit).';
COMMENT ON COLUMN marts.signals.category IS 'The category concerned for rebound, base_inflation and target_heaping; NULL for signals over several categories.';
COMMENT ON COLUMN marts.signals.period_kind IS 'quarter, or year for target_heaping.';
COMMENT ON COLUMN marts.signals.period_start IS 'First day of the period the signal fired for.';
COMMENT ON COLUMN marts.signals.period_end IS 'Last day of that period.';
COMMENT ON COLUMN marts.signals.started_on IS 'First day of the first period of the unbroken run of periods in which this signal fired for the unit (rebound: the quarter after the lowest one).';
COMMENT ON COLUMN marts.signals.score IS 'Strength: the main moving series'' relative change as a positive fraction (0.45 = 45% drop), the ratio for escalation, the share of children at the target for target_heaping.';
COMMENT ON COLUMN marts.signals.summary IS 'One sentence for dashboards.';
COMMENT ON COLUMN marts.signals.computed_at IS 'UTC time of the refresh that computed it.';

CREATE TABLE marts.signal_evidence (
    signal_id      bigint  NOT NULL REFERENCES marts.signals (signal_id) ON DELETE CASCADE,
    series         text    NOT NULL,
    before_start   date    NULL,
    before_value   numeric NULL,
    after_value    numeric NULL,
    change         numeric NULL,
    PRIMARY KEY (signal_id, series)
);

COMMENT ON TABLE marts.signal_evidence IS 'The series behind a signal, before and after. Grain: one row per signal and series.';
COMMENT ON COLUMN marts.signal_evidence.signal_id IS 'marts.signals.signal_id.';
COMMENT ON COLUMN marts.signal_evidence.series IS 'category/measure (e.g. meeting.offline/count), a derived series (documents/total, pages_per_document, ratio), or a child unit code (target_heaping).';
COMMENT ON COLUMN marts.signal_evidence.before_start IS 'First day of the comparison period (a year earlier; the base period; the lowest earlier quarter).';
COMMENT ON COLUMN marts.signal_evidence.before_value IS 'Value in the comparison period, in the series'' unit (events, minutes, pages, items; a fraction for reductions and targets).';
COMMENT ON COLUMN marts.signal_evidence.after_value IS 'Value in the signal''s period, same unit.';
COMMENT ON COLUMN marts.signal_evidence.change IS 'after_value / before_value - 1, fraction; NULL when before_value is 0 or missing.';
