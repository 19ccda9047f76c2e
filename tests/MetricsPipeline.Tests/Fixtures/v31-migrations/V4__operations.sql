CREATE TABLE ops.runs (
    run_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trigger      text        NOT NULL CHECK (trigger IN ('schedule', 'run-once', 'backfill')),
    source       text        NULL,
    host         text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz NULL,
    status       text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    error        text        NULL
);
COMMENT ON TABLE ops.runs IS 'One row per pipeline run of one source (scheduled fire, run-once or backfill).';
COMMENT ON COLUMN ops.runs.status IS 'running, succeeded, or failed (at least one window failed; error says which).';

-- The ledger: one row per attempted window, written in the same transaction as the data it loaded
-- (succeeded) or in its own transaction after the rollback (failed).
CREATE TABLE ops.windows (
    window_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id            bigint      NOT NULL REFERENCES ops.runs (run_id),
    source            text        NOT NULL,
    stream            text        NOT NULL,
    day_from          date        NOT NULL,
    day_to            date        NOT NULL,
    open_before       boolean     NOT NULL,
    open_after        boolean     NOT NULL,
    started_at        timestamptz NOT NULL,
    finished_at       timestamptz NOT NULL,
    status            text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
    source_rows       bigint      NULL,
    fact_rows         bigint      NULL,
    quarantined_rows  bigint      NULL,
    facts_written     bigint      NULL,
    facts_deleted     bigint      NULL,
    error             text        NULL
);
CREATE INDEX windows_source_stream_idx ON ops.windows (source, stream, finished_at DESC);
COMMENT ON TABLE ops.windows IS 'Ledger: one row per (source, stream, day range) load attempt.';
COMMENT ON COLUMN ops.windows.open_before IS 'The window also owns rows dated before History.From (quarantined as before_history_start).';
COMMENT ON COLUMN ops.windows.open_after IS 'The window reaches now: it also owns future-dated and undated rows (quarantined).';
COMMENT ON COLUMN ops.windows.source_rows IS 'Rows the source held for the window, counted at the source in the same snapshot.';
COMMENT ON COLUMN ops.windows.fact_rows IS 'Source rows counted into facts.';
COMMENT ON COLUMN ops.windows.quarantined_rows IS 'Source rows kept in ops.quarantine. fact_rows + quarantined_rows = source_rows, or the window fails.';
COMMENT ON COLUMN ops.windows.facts_written IS 'facts.daily rows inserted or changed by this window.';
COMMENT ON COLUMN ops.windows.facts_deleted IS 'facts.daily rows removed because the source no longer holds them.';

CREATE TABLE ops.coverage (
    source     text        NOT NULL,
    stream     text        NOT NULL,
    day        date        NOT NULL,
    window_id  bigint      NOT NULL,
    pulled_at  timestamptz NOT NULL,
    PRIMARY KEY (source, stream, day)
);
COMMENT ON TABLE ops.coverage IS 'Days successfully pulled. Grain: source x stream x local day. Zero events on a covered day is a fact; an uncovered day is unknown.';
COMMENT ON COLUMN ops.coverage.pulled_at IS 'UTC time of the latest successful pull of this day.';

CREATE TABLE ops.quarantine (
    source       text        NOT NULL,
    stream       text        NOT NULL,
    day          date        NULL,
    unit_code    text        NULL,
    source_code  text        NULL,
    reason       text        NOT NULL,
    detail       text        NULL,
    row_count    bigint      NOT NULL CHECK (row_count > 0),
    window_id    bigint      NOT NULL,
    seen_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX quarantine_key_idx ON ops.quarantine (source, stream, day, unit_code, source_code, reason, detail) NULLS NOT DISTINCT;
COMMENT ON TABLE ops.quarantine IS 'Source rows that could not become facts, grouped. Grain: source x stream x day x unit x code x reason. Re-evaluated whenever the window is pulled again, so fixing a mapping releases them.';
COMMENT ON COLUMN ops.quarantine.day IS 'Local day of the rows; NULL when it cannot be computed or the rows predate History.From.';
COMMENT ON COLUMN ops.quarantine.reason IS 'null_unit, unknown_unit, unmapped_code, missing_timestamp, unparsable_timestamp, future_timestamp, before_history_start, null_measure, negative_measure.';
COMMENT ON COLUMN ops.quarantine.detail IS 'The measure concerned (for null_measure / negative_measure).';
COMMENT ON COLUMN ops.quarantine.row_count IS 'Number of source rows in the group (rows).';
