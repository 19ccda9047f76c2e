-- Org units: re-read from the OrgUnits CSV on every run. A unit that disappears from the file is
-- marked inactive, never deleted, so history that names it stays joinable.
CREATE TABLE ref.units (
    code            text        PRIMARY KEY,
    name            text        NOT NULL,
    parent_code     text        NULL,
    level           text        NOT NULL CHECK (level IN ('city', 'county', 'township', 'village')),
    headcount       integer     NOT NULL CHECK (headcount >= 0),
    active          boolean     NOT NULL DEFAULT true,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    changed_at      timestamptz NOT NULL DEFAULT now(),
    deactivated_at  timestamptz NULL
);
CREATE INDEX units_parent_idx ON ref.units (parent_code);
COMMENT ON TABLE ref.units IS 'Org tree (city > county > township > village). Grain: one row per unit code ever seen in the org-units file.';
COMMENT ON COLUMN ref.units.code IS 'Unit code as the department systems use it.';
COMMENT ON COLUMN ref.units.parent_code IS 'Code of the parent unit; NULL for the root.';
COMMENT ON COLUMN ref.units.level IS 'province, city, county, township or village.';
COMMENT ON COLUMN ref.units.headcount IS 'Staff of the unit in full-time equivalents (people); divisor of per-FTE indicators.';
COMMENT ON COLUMN ref.units.active IS 'False once the unit has disappeared from the org-units file (merged or abolished).';
COMMENT ON COLUMN ref.units.deactivated_at IS 'UTC time the pipeline first saw the unit missing from the file.';
COMMENT ON COLUMN ref.units.changed_at IS 'UTC time any attribute of the unit last changed in the file.';

-- The canonical taxonomy (see domain.md). Extensible: configuration may add categories.
CREATE TABLE ref.categories (
    category     text PRIMARY KEY,
    family       text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('flow', 'stock')),
    description  text NOT NULL,
    origin       text NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'config'))
);
COMMENT ON TABLE ref.categories IS 'Canonical burden categories. Grain: one row per category.';
COMMENT ON COLUMN ref.categories.kind IS 'flow: values add up over days; stock: a level on a day, rolled up over time by period-end level or mean, never summed.';
COMMENT ON COLUMN ref.categories.family IS 'The burden family of the essay: document, meeting, inspection, data_request, report_form, check_in, digital_tool, task.';

INSERT INTO ref.categories (category, family, kind, description) VALUES
    ('document.formal',          'document',     'flow',  'Formal documents pushed downward (red-header files)'),
    ('document.informal',        'document',     'flow',  'Informal documents: white-header notes, letters, chat notices'),
    ('meeting.offline',          'meeting',      'flow',  'Meetings held in person'),
    ('meeting.online',           'meeting',      'flow',  'Meetings held online (video, teleconference)'),
    ('inspection.onsite',        'inspection',   'flow',  'On-site inspections, checks and assessments'),
    ('inspection.remote',        'inspection',   'flow',  'Remote inspections and assessments'),
    ('data_request',             'data_request', 'flow',  'Material and data demanded through chat groups and ad-hoc requests'),
    ('report_form',              'report_form',  'flow',  'Forms and statistical reports to fill in'),
    ('check_in',                 'check_in',     'flow',  'Check-ins, photo and track uploads, chain sign-ups'),
    ('digital_tool.app',         'digital_tool', 'stock', 'Grassroots-facing apps in use'),
    ('digital_tool.work_group',  'digital_tool', 'stock', 'Work groups (chat groups) in use'),
    ('task.issued',              'task',         'flow',  'Tasks issued downward by a unit'),
    ('task.received',            'task',         'flow',  'Tasks received from above by a unit');

-- Which source codes map to which category, per source and stream; synced from configuration each run.
CREATE TABLE ref.code_map (
    source       text NOT NULL,
    stream       text NOT NULL,
    source_code  text NOT NULL,
    category     text NOT NULL REFERENCES ref.categories (category),
    PRIMARY KEY (source, stream, source_code)
);
COMMENT ON TABLE ref.code_map IS 'Source code to canonical category, per source and stream (from configuration). Grain: one row per source, stream, source code.';

-- The configured streams, so analysts can see what feeds each category and coverage knows what to expect.
CREATE TABLE ref.streams (
    source        text    NOT NULL,
    stream        text    NOT NULL,
    provider      text    NOT NULL,
    time_zone     text    NOT NULL,
    history_from  date    NOT NULL,
    measures      text[]  NOT NULL,
    categories    text[]  NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    synced_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, stream)
);
COMMENT ON TABLE ref.streams IS 'Configured source streams. Grain: one row per source and stream ever configured; active=false once removed from configuration.';
COMMENT ON COLUMN ref.streams.time_zone IS 'IANA zone whose calendar days the stream is bucketed into.';
COMMENT ON COLUMN ref.streams.history_from IS 'First local day the stream is expected to cover.';

-- Indicator settings and targets, synced from configuration (origin=config) or seeded (origin=seed).
CREATE TABLE ref.indicator_settings (
    key    text PRIMARY KEY,
    value  text NOT NULL
);
COMMENT ON TABLE ref.indicator_settings IS 'Indicator settings from configuration: base_period (a calendar year), coverage_threshold (0..1).';
INSERT INTO ref.indicator_settings (key, value) VALUES ('base_period', '2024'), ('coverage_threshold', '0.95');

CREATE TABLE ref.targets (
    target_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_pattern  text    NOT NULL,
    scope_unit        text    NULL,
    base_period       text    NOT NULL,
    reduction         numeric NOT NULL CHECK (reduction > 0 AND reduction <= 1),
    public_source     text    NULL,
    origin            text    NOT NULL CHECK (origin IN ('seed', 'config'))
);
COMMENT ON TABLE ref.targets IS 'Reduction targets. Grain: one row per target. A category_pattern ending in .* matches a whole family.';
COMMENT ON COLUMN ref.targets.scope_unit IS 'Unit the target applies to, with its whole subtree; NULL for every unit.';
COMMENT ON COLUMN ref.targets.reduction IS 'Target reduction as a fraction of the base period (0.30 = 30% fewer).';
COMMENT ON COLUMN ref.targets.public_source IS 'The public programme the target comes from.';
