-- File drops (provider "files"): CSV/TSV/xlsx files that departments put in a folder. A file is the
-- unit of replacement: a re-uploaded file with changed content replaces exactly its earlier
-- contribution, so contributions are kept per file and facts.daily is their sum.

CREATE TABLE ops.file_loads (
    source       text        NOT NULL,
    stream       text        NOT NULL,
    file_name    text        NOT NULL,
    file_hash    text        NOT NULL,
    file_size    bigint      NOT NULL,
    modified_at  timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL,
    window_id    bigint      NOT NULL,
    data_rows    bigint      NOT NULL,
    retracted    boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (source, stream, file_name)
);
COMMENT ON TABLE ops.file_loads IS 'The version of each dropped file whose contribution is in the warehouse. Grain: source x stream x file name.';
COMMENT ON COLUMN ops.file_loads.file_hash IS 'SHA-256 of the file content (hex); an unchanged file is not read twice.';
COMMENT ON COLUMN ops.file_loads.data_rows IS 'Data lines (rows) of the file, header excluded.';
COMMENT ON COLUMN ops.file_loads.retracted IS 'The file was removed from the folder and the stream retracts removed files (OnRemoved = retract): its contribution is gone.';

CREATE TABLE facts.file_daily (
    source     text    NOT NULL,
    stream     text    NOT NULL,
    file_name  text    NOT NULL,
    day        date    NOT NULL,
    unit_code  text    NOT NULL,
    category   text    NOT NULL,
    measure    text    NOT NULL,
    value      numeric NOT NULL CHECK (value >= 0),
    PRIMARY KEY (source, stream, file_name, day, unit_code, category, measure)
);
CREATE INDEX file_daily_day_idx ON facts.file_daily (source, stream, day);
COMMENT ON TABLE facts.file_daily IS 'Contribution of each dropped file to facts.daily. Grain: file x unit x category x measure x local day. facts.daily of a files stream is the sum over its files.';
COMMENT ON COLUMN facts.file_daily.value IS 'Sum of the measure over the file''s rows of the day, in the measure''s own unit.';

-- Quarantined rows of a file belong to that file: replaced when the file is.
ALTER TABLE ops.quarantine ADD COLUMN origin text NULL;
COMMENT ON COLUMN ops.quarantine.origin IS 'The dropped file the rows came from (files streams); NULL for database sources.';
DROP INDEX ops.quarantine_key_idx;
CREATE UNIQUE INDEX quarantine_key_idx ON ops.quarantine (source, stream, origin, day, unit_code, source_code, reason, detail) NULLS NOT DISTINCT;

ALTER TABLE ops.windows ADD COLUMN file_name text NULL, ADD COLUMN file_hash text NULL;
COMMENT ON COLUMN ops.windows.file_name IS 'For files streams: the file this load read (its days are day_from..day_to).';
COMMENT ON COLUMN ops.windows.file_hash IS 'For files streams: SHA-256 of the file content that was read.';
