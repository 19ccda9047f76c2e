-- Rolled up on read: filter by unit_code and a day range (and category) to keep it cheap.
CREATE VIEW marts.daily_values AS
WITH
subtree_headcount AS (
    SELECT tree.ancestor_code AS unit_code, coalesce(sum(u.headcount) FILTER (WHERE u.active), 0) AS headcount
    FROM marts.unit_tree tree
    JOIN ref.units u ON u.code = tree.descendant_code
    GROUP BY tree.ancestor_code
),
rolled AS (
    SELECT tree.ancestor_code AS unit_code, f.category, f.measure, f.day, sum(f.value) AS value
    FROM facts.daily f
    JOIN marts.unit_tree tree ON tree.descendant_code = f.unit_code
    GROUP BY 1, 2, 3, 4
)
SELECT r.unit_code, u.name AS unit_name, u.level AS unit_level, r.category, cat.kind AS category_kind,
       r.measure, r.day, r.value,
       r.value / nullif(hc.headcount, 0) AS per_fte_subtree,
       -- Complete: every stream expected that day for the category was pulled.
       NOT EXISTS (
           SELECT 1 FROM ref.streams s
           WHERE s.active AND r.category = ANY (s.categories) AND s.history_from <= r.day
             AND NOT EXISTS (SELECT 1 FROM ops.coverage c
                             WHERE (c.source, c.stream, c.day) = (s.source, s.stream, r.day))
       ) AS complete
FROM rolled r
JOIN ref.categories cat ON cat.category = r.category
LEFT JOIN ref.units u ON u.code = r.unit_code
LEFT JOIN subtree_headcount hc ON hc.unit_code = r.unit_code;

COMMENT ON VIEW marts.daily_values IS 'The day level: value of a measure for a unit and its whole subtree on one local day, rolled up on read from facts.daily. Grain: unit x category x measure x day, only days with facts; a complete day without a row is zero. Filter by unit_code and day.';
COMMENT ON COLUMN marts.daily_values.unit_code IS 'Unit (ref.units.code); the value includes all its descendants.';
COMMENT ON COLUMN marts.daily_values.unit_name IS 'Unit name from ref.units.';
COMMENT ON COLUMN marts.daily_values.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.daily_values.category IS 'Canonical category (ref.categories).';
COMMENT ON COLUMN marts.daily_values.category_kind IS 'flow (events that day) or stock (level that day).';
COMMENT ON COLUMN marts.daily_values.measure IS 'Measure name from facts.daily (count, pages, minutes, active ...).';
COMMENT ON COLUMN marts.daily_values.day IS 'Local calendar day.';
COMMENT ON COLUMN marts.daily_values.value IS 'Sum over the subtree, sources and streams, in the measure''s own unit (events, pages, minutes, items in use ...).';
COMMENT ON COLUMN marts.daily_values.per_fte_subtree IS 'value / headcount of the unit and its active descendants: measure units per FTE. NULL when 0.';
COMMENT ON COLUMN marts.daily_values.complete IS 'True when every active stream expected that day for the category was pulled (ops.coverage); false: the value may be short.';
GRANT SELECT ON marts.daily_values TO metrics_analyst;
GRANT SELECT ON marts.daily_values TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.daily_values TO metrics_writer;
