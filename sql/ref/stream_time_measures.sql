-- Which measure carries a stream's own time, for the Standard Cost Model: attendee minutes (person-time)
-- over meeting minutes. A stream with neither has its events priced at the tariff instead.
CREATE VIEW ref.stream_time_measures AS
SELECT s.source, s.stream,
       CASE WHEN 'attendee_minutes' = ANY (s.measures) THEN 'attendee_minutes'
            WHEN 'minutes' = ANY (s.measures) THEN 'minutes' END AS time_measure
FROM ref.streams s;

COMMENT ON VIEW ref.stream_time_measures IS 'The measure of each configured stream that reports its own time (attendee_minutes over minutes), NULL where it reports none. Grain: one row per ref.streams row. Read by the mart refresh to split flows into scm_own_minutes / scm_timed_count and priced items.';
COMMENT ON COLUMN ref.stream_time_measures.source IS 'Source name (ref.streams).';
COMMENT ON COLUMN ref.stream_time_measures.stream IS 'Stream name within the source.';
COMMENT ON COLUMN ref.stream_time_measures.time_measure IS 'attendee_minutes or minutes (person-minutes / minutes the stream reports); NULL: its events are priced at the category''s tariff.';
GRANT SELECT ON ref.stream_time_measures TO metrics_writer, metrics_analyst;
