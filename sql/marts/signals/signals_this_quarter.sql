-- The analysts' default listing: the signals of the last ended quarter that stand on their own; a parent's
-- signal shows how many of its children's signals only repeat it (grouped_children), and those are left out.
CREATE VIEW marts.signals_this_quarter AS
SELECT s.*
FROM marts.signals_with_evidence s
WHERE s.period_end >= (date_trunc('quarter', current_date) - interval '3 months')::date
  AND s.grouped_under IS NULL;

COMMENT ON VIEW marts.signals_this_quarter IS 'Signals whose period ends in the last ended quarter or later (quarterly signals of that quarter, yearly ones of a year ending then), without those grouped under their parent''s signal (see grouped_children; marts.signals_with_evidence has them all). Grain: one row per signal.';
-- The columns are those of marts.signals_with_evidence (s.*), so are their comments: copied from it here,
-- which keeps them true when that view gains a column.
DO $comments$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT a.attname, col_description('marts.signals_with_evidence'::regclass, src.attnum) AS description
        FROM pg_attribute a
        JOIN pg_attribute src ON src.attrelid = 'marts.signals_with_evidence'::regclass AND src.attname = a.attname
        WHERE a.attrelid = 'marts.signals_this_quarter'::regclass AND a.attnum > 0 AND NOT a.attisdropped
    LOOP
        EXECUTE format('COMMENT ON COLUMN marts.signals_this_quarter.%I IS %L', c.attname, c.description);
    END LOOP;
END
$comments$;
GRANT SELECT ON marts.signals_this_quarter TO metrics_analyst;
GRANT SELECT ON marts.signals_this_quarter TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.signals_this_quarter TO metrics_writer;
