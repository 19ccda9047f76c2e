-- Comments on every column of the tables the analyst and dashboard roles can read, so that the data
-- dictionary (\d+ in psql, `metrics-pipeline docs`) is complete: what the value is, its unit, and what NULL
-- means. Integration/Warehouse/DataDictionaryTests fails on any readable column without one. Comments on
-- views and functions live with their definitions in the SQL layer (sql/ref, sql/marts, sql/ops).

-- facts ------------------------------------------------------------------------------------------------------
COMMENT ON COLUMN facts.daily.source IS 'Source the value was pulled from (ref.sources.source).';
COMMENT ON COLUMN facts.daily.stream IS 'Stream of the source (ref.streams.stream).';
COMMENT ON COLUMN facts.daily.unit_code IS 'Unit the events belong to (ref.units.code), the unit itself only: roll-ups over the subtree are in marts.';
COMMENT ON COLUMN facts.daily.category IS 'Canonical category (ref.categories.category) the source code was mapped to (ref.code_map or the stream''s one category).';

COMMENT ON COLUMN facts.file_daily.source IS 'Source of the files stream (ref.sources.source).';
COMMENT ON COLUMN facts.file_daily.stream IS 'Files stream (ref.streams.stream).';
COMMENT ON COLUMN facts.file_daily.file_name IS 'Name of the dropped file in the stream''s folder (ops.file_loads); a renamed file''s contribution moves to its new name.';
COMMENT ON COLUMN facts.file_daily.day IS 'Local calendar day of the rows in the source''s configured time zone.';
COMMENT ON COLUMN facts.file_daily.unit_code IS 'Unit the rows belong to (ref.units.code), the unit itself only.';
COMMENT ON COLUMN facts.file_daily.category IS 'Canonical category (ref.categories.category) the file''s code was mapped to.';
COMMENT ON COLUMN facts.file_daily.measure IS 'Measure name from configuration: count (rows), pages, fields ...';

-- ref --------------------------------------------------------------------------------------------------------
COMMENT ON COLUMN ref.categories.category IS 'Category name, family.subtype (document.formal) or the family alone (data_request); the key facts and marts use.';
COMMENT ON COLUMN ref.categories.description IS 'What the category counts, in one line.';
COMMENT ON COLUMN ref.categories.origin IS 'seed (the taxonomy of the migrations) or config (added by Pipeline:Categories).';

COMMENT ON COLUMN ref.code_map.source IS 'Source whose stream uses the code (ref.sources.source).';
COMMENT ON COLUMN ref.code_map.stream IS 'Stream of the source (ref.streams.stream).';
COMMENT ON COLUMN ref.code_map.source_code IS 'The source''s own code exactly as it holds it (case, spaces and script matter: gps is not GPS), from the stream''s Categories and CodeMap.';
COMMENT ON COLUMN ref.code_map.category IS 'Canonical category (ref.categories.category) rows with this code count in; several codes may map to one category.';

COMMENT ON COLUMN ref.indicator_settings.key IS 'Setting name: base_period, coverage_threshold or working_hours_per_fte_year.';
COMMENT ON COLUMN ref.indicator_settings.value IS 'Setting value as text: base_period a calendar year (2024, from Pipeline:Indicators:BasePeriod); coverage_threshold a fraction 0..1 (0.95, Pipeline:Indicators:CoverageThreshold); working_hours_per_fte_year hours (2000, Pipeline:Indicators:WorkingHoursPerFteYear).';

COMMENT ON COLUMN ref.sources.source IS 'Source name (Pipeline:Sources:N:Name).';
COMMENT ON COLUMN ref.sources.provider IS 'postgres, mysql, sqlite or files.';
COMMENT ON COLUMN ref.sources.time_zone IS 'IANA time zone whose calendar days the source''s events are counted in (Asia/Shanghai).';
COMMENT ON COLUMN ref.sources.active IS 'True while the source is configured; false once removed from configuration (its facts stay).';
COMMENT ON COLUMN ref.sources.synced_at IS 'UTC time a run last wrote a change of this row from configuration.';

COMMENT ON COLUMN ref.streams.source IS 'Source name (ref.sources.source).';
COMMENT ON COLUMN ref.streams.stream IS 'Stream name, unique within the source.';
COMMENT ON COLUMN ref.streams.provider IS 'postgres, mysql, sqlite or files (as its source).';
COMMENT ON COLUMN ref.streams.measures IS 'Measures the stream reports (count, pages, minutes ...).';
COMMENT ON COLUMN ref.streams.categories IS 'Categories the stream feeds; a day of the stream is expected for coverage in each of them.';
COMMENT ON COLUMN ref.streams.active IS 'True while the stream is configured; inactive streams are no longer expected (coverage ignores them).';
COMMENT ON COLUMN ref.streams.synced_at IS 'UTC time a run last wrote a change of this row from configuration.';

COMMENT ON COLUMN ref.targets.target_id IS 'Row id.';
COMMENT ON COLUMN ref.targets.category_pattern IS 'A category, or family.* for every category of a family (document.*).';
COMMENT ON COLUMN ref.targets.base_period IS 'Calendar year the reduction is measured against (2018); counts towards attainment only when it is the configured base_period.';
COMMENT ON COLUMN ref.targets.origin IS 'seed (public programmes, V13) or config (Pipeline:Indicators:Targets).';

COMMENT ON COLUMN ref.tariffs.tariff_id IS 'Row id.';

COMMENT ON COLUMN ref.units.name IS 'Unit name as in the org-units file (梅州市, Township One).';
COMMENT ON COLUMN ref.units.first_seen_at IS 'UTC time the pipeline first read the unit from the org-units file.';

-- ops (the ledger, coverage and quarantine the dashboards read) --------------------------------------------
COMMENT ON COLUMN ops.coverage.source IS 'Source name (ref.sources.source).';
COMMENT ON COLUMN ops.coverage.stream IS 'Stream name (ref.streams.stream).';
COMMENT ON COLUMN ops.coverage.day IS 'Local calendar day that was pulled completely (for today: up to pulled_at).';
COMMENT ON COLUMN ops.coverage.window_id IS 'ops.windows row of the latest successful pull of the day.';

COMMENT ON COLUMN ops.quarantine.source IS 'Source name (ref.sources.source).';
COMMENT ON COLUMN ops.quarantine.stream IS 'Stream name (ref.streams.stream).';
COMMENT ON COLUMN ops.quarantine.unit_code IS 'The unit code as the source holds it (possibly unknown to ref.units); NULL or empty for null_unit.';
COMMENT ON COLUMN ops.quarantine.source_code IS 'The source''s code of the rows as it holds it; NULL for streams without a Code column.';
COMMENT ON COLUMN ops.quarantine.reason IS 'null_unit, unknown_unit, unmapped_code, missing_timestamp, unparsable_timestamp, future_timestamp, before_history_start, null_measure, negative_measure, non_numeric_measure, malformed_line, cell_too_long (README: Quarantine).';
COMMENT ON COLUMN ops.quarantine.detail IS 'The measure concerned (null_measure, negative_measure, non_numeric_measure), the line number (malformed_line), the column and line (cell_too_long); NULL otherwise.';
COMMENT ON COLUMN ops.quarantine.window_id IS 'ops.windows row of the latest pull that kept the rows in quarantine.';
COMMENT ON COLUMN ops.quarantine.seen_at IS 'UTC time of that pull.';

COMMENT ON COLUMN ops.runs.run_id IS 'Run id (the run_id of the log events and traces).';
COMMENT ON COLUMN ops.runs.trigger IS 'schedule (a cron fire of the service), run-once or backfill.';
COMMENT ON COLUMN ops.runs.source IS 'Source the run pulled (ref.sources.source).';
COMMENT ON COLUMN ops.runs.host IS 'Machine name of the worker node that ran it.';
COMMENT ON COLUMN ops.runs.started_at IS 'UTC start of the run.';
COMMENT ON COLUMN ops.runs.finished_at IS 'UTC end of the run; NULL while it runs (or until the next run closes it as abandoned).';
COMMENT ON COLUMN ops.runs.error IS 'Why the run failed (the failed windows, or abandoned: / cancelled ...); NULL when it succeeded.';

COMMENT ON COLUMN ops.windows.window_id IS 'Window id (facts.daily.window_id, ops.coverage.window_id and the log events name it).';
COMMENT ON COLUMN ops.windows.run_id IS 'ops.runs row the window belongs to.';
COMMENT ON COLUMN ops.windows.source IS 'Source name (ref.sources.source).';
COMMENT ON COLUMN ops.windows.stream IS 'Stream name (ref.streams.stream).';
COMMENT ON COLUMN ops.windows.day_from IS 'First local day of the window.';
COMMENT ON COLUMN ops.windows.day_to IS 'Last local day of the window.';
COMMENT ON COLUMN ops.windows.started_at IS 'UTC start of the window''s first attempt.';
COMMENT ON COLUMN ops.windows.finished_at IS 'UTC end of the window (commit, or the failure after the rollback).';
COMMENT ON COLUMN ops.windows.status IS 'succeeded (its data committed) or failed (rolled back; error says why).';
COMMENT ON COLUMN ops.windows.error IS 'Why the window failed, naming source, stream and cause (sanitised, at most 1,000 characters); NULL when it succeeded.';

-- Table comments that did not state their grain ("Grain: ..." is what a reader looks for first).
COMMENT ON TABLE marts.period_sums IS 'Stored values of the periods in which a series has facts. Grain: one row per unit x category x measure x period (ISO week, month, quarter, year) with at least one fact in the unit''s subtree. marts.period_values adds the zeros and NULLs of the other covered periods on read.';
COMMENT ON TABLE ops.runs IS 'Pipeline runs. Grain: one row per run of one source (scheduled fire, run-once or backfill).';
COMMENT ON TABLE ops.windows IS 'The ledger of loads. Grain: one row per load attempt of a (source, stream, day range), or of one dropped file for files streams.';
COMMENT ON TABLE ref.indicator_settings IS 'Indicator settings from configuration. Grain: one row per setting (key): base_period (a calendar year), coverage_threshold (0..1), working_hours_per_fte_year (hours one FTE works in a year; default 2000 = 250 days x 8 h; a quarter is 1/4 of it, a month 1/12, an ISO week 1/52).';
