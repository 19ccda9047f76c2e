-- V12: burden hours after the Standard Cost Model (EU, UK, NL), per FTE and as a share of working time,
-- and the composite burden index (weighted burden hours, base period = 100).
--
--   hours(u, c, t) = (own minutes + items x minutes per item) / 60            flows
--   hours(u, c, t) = mean level x days x minutes per item and day / 60       stocks (apps, work groups)
--
-- "own minutes" is the time the source itself reports (a meeting's attendee_minutes, else its minutes);
-- "items" are the events of streams that report no time. Both are stored by marts.refresh_periods as the
-- basis measures scm_own_minutes and scm_items; the tariff is applied here, on read. A tariff change is
-- therefore a re-estimate that applies to the base and the current period alike, never a reduction.
--
-- This file keeps the tariffs and the working-time setting. The views and functions released with it
-- (ref.effective_tariffs, marts.scm_hours, marts.working_hours, marts.burden_hours, burden_hours_by_unit,
-- burden_index) are defined in the SQL layer (sql/layers.txt), which migrate applies after the versioned
-- files.

-- ---------------------------------------------------------------------------------------------------
-- Tariffs
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE ref.tariffs (
    tariff_id         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_pattern  text    NOT NULL,
    minutes_per_item  numeric NOT NULL CHECK (minutes_per_item >= 0),
    index_weight      numeric NOT NULL DEFAULT 1 CHECK (index_weight >= 0),
    rationale         text    NULL,
    origin            text    NOT NULL CHECK (origin IN ('seed', 'config')),
    UNIQUE (category_pattern, origin)
);

COMMENT ON TABLE ref.tariffs IS 'Standard Cost Model tariffs: standard minutes of grassroots staff time per item of a category. Grain: one row per category pattern and origin. Seeded defaults (origin seed) are illustrative; Pipeline:Indicators:Tariffs (origin config) overrides them.';
COMMENT ON COLUMN ref.tariffs.category_pattern IS 'A category, or family.* for every category of a family.';
COMMENT ON COLUMN ref.tariffs.minutes_per_item IS 'Flows: minutes per event (document, meeting without reported time, inspection, request, form, check-in, task). Stocks: minutes per item in use per day (an app, a work group). Minutes.';
COMMENT ON COLUMN ref.tariffs.index_weight IS 'Weight of the category''s burden hours in the composite burden index (1 = as its hours; 0 = left out). Dimensionless.';
COMMENT ON COLUMN ref.tariffs.rationale IS 'What the minutes stand for, and where they come from.';
COMMENT ON COLUMN ref.tariffs.origin IS 'seed (this migration) or config (Pipeline:Indicators:Tariffs).';

-- Documented defaults. They are assumptions for a township or village clerk, meant to be replaced by a
-- local time study (the SCM's "normally efficient" staff member); what matters for reductions is that
-- base and current periods use the same tariff.
INSERT INTO ref.tariffs (category_pattern, minutes_per_item, index_weight, rationale, origin) VALUES
    ('document.formal',          60, 1, 'A red-header file: read, relay to staff or villages, implement, file, often report back.', 'seed'),
    ('document.informal',        20, 1, 'A notice, letter or chat notice: read, relay, sometimes reply.', 'seed'),
    ('document.*',               30, 1, 'Any other document category (configured).', 'seed'),
    ('meeting.offline',         180, 1, 'An in-person meeting without reported time: about 2 h sitting plus travel, one attendee. Streams that report minutes or attendee_minutes use their own time instead.', 'seed'),
    ('meeting.online',           90, 1, 'An online meeting without reported time: about 1.5 h, one attendee. Streams with reported time use it instead.', 'seed'),
    ('meeting.*',               120, 1, 'Any other meeting category (configured).', 'seed'),
    ('inspection.onsite',       480, 1, 'An on-site inspection, check or assessment: one working day of preparing material and accompanying.', 'seed'),
    ('inspection.remote',       120, 1, 'A remote inspection: assembling and uploading material.', 'seed'),
    ('inspection.*',            240, 1, 'Any other inspection category (configured).', 'seed'),
    ('data_request',             45, 1, 'Material or data demanded through a chat group: collect, format, send.', 'seed'),
    ('report_form',              60, 1, 'A form or statistical report: gather figures and fill in.', 'seed'),
    ('check_in',                  5, 1, 'A check-in, photo or track upload, chain sign-up.', 'seed'),
    ('digital_tool.app',         10, 1, 'Per app in use per day: log in, read, clear tasks and notifications.', 'seed'),
    ('digital_tool.work_group',  10, 1, 'Per work group in use per day: follow and answer the group.', 'seed'),
    ('digital_tool.*',           10, 1, 'Any other digital tool (configured), per item per day.', 'seed'),
    ('task.received',            60, 1, 'A task received from above: organise and report completion.', 'seed'),
    ('task.issued',               0, 0, 'Issuing downward is the issuer''s act; the burden is counted where the task is received (not counted twice).', 'seed');

-- Working time: 250 working days of 8 hours (365 days less 104 weekend days and 11 public holidays).
INSERT INTO ref.indicator_settings (key, value) VALUES ('working_hours_per_fte_year', '2000')
ON CONFLICT (key) DO NOTHING;
COMMENT ON TABLE ref.indicator_settings IS 'Indicator settings from configuration: base_period (a calendar year), coverage_threshold (0..1), working_hours_per_fte_year (hours one FTE works in a year; default 2000 = 250 days x 8 h; a quarter is 1/4 of it, a month 1/12, an ISO week 1/52).';
