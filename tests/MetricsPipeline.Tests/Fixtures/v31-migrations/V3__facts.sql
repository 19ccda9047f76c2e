-- One row per unit, category, measure, local day, source and stream. The key starts with source,
-- stream and day because every load replaces exactly a (source, stream, day range).
CREATE TABLE facts.daily (
    source     text        NOT NULL,
    stream     text        NOT NULL,
    day        date        NOT NULL,
    unit_code  text        NOT NULL,
    category   text        NOT NULL,
    measure    text        NOT NULL,
    value      numeric     NOT NULL CHECK (value >= 0),
    loaded_at  timestamptz NOT NULL,
    window_id  bigint      NOT NULL,
    PRIMARY KEY (source, stream, day, unit_code, category, measure)
);
CREATE INDEX daily_category_day_idx ON facts.daily (category, day);
COMMENT ON TABLE facts.daily IS 'Normalized daily facts. Grain: unit x category x measure x local day x source x stream. Only days in ops.coverage are facts; a missing row on a covered day means zero.';
COMMENT ON COLUMN facts.daily.day IS 'Local calendar day of the events in the source''s configured time zone.';
COMMENT ON COLUMN facts.daily.measure IS 'Measure name from configuration: count (events), pages, minutes, attendee_minutes, fields, days, active ...';
COMMENT ON COLUMN facts.daily.value IS 'Sum of the measure over the day''s events (flow), or the level on that day (stock). Unit: the measure''s own (events, pages, minutes ...).';
COMMENT ON COLUMN facts.daily.loaded_at IS 'UTC time this value was last written (unchanged values are not rewritten).';
COMMENT ON COLUMN facts.daily.window_id IS 'ops.windows row that last wrote this value.';
