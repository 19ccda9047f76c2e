-- V33: a dropped file remembers what it was classified with.
--
-- An unchanged file is not read again, so a configuration change that leaves every category in the
-- stream's map (a code moved from one category to another that another code still produces) used to leave
-- its facts in the old category until a backfill: nothing stored said what the file was classified with.
-- Every load now stores a hash of that configuration; the next run reads an unchanged file again when its
-- stored hash differs from the stream's current one. Files loaded before V33 have NULL and are read again
-- once. The table's grants (V26: metrics_writer on every ops table) cover the new column.

ALTER TABLE ops.file_loads ADD COLUMN classified_with text NULL;
COMMENT ON COLUMN ops.file_loads.classified_with IS 'SHA-256 (lowercase hex) of everything the file''s classification depended on when it was loaded: the stream''s code map (code -> category) or fixed category, its categories, measures (name and expression), the source''s time zone, History.From, the timestamp, unit and code columns, the timestamp kind, and the format, sheet, encoding and digit grouping the file was read with (FileClassification.Hash). An unchanged file whose value differs from the stream''s current one is read again on the next run; NULL: loaded before V33, read again once.';
