-- One view per question: the index alone.
CREATE VIEW marts.burden_index AS
SELECT unit_code, unit_name, unit_level, period_kind, period_start, period_end, burden_index,
       comparable_hours, base_hours, insufficient_categories, excluded_categories, status
FROM marts.burden_hours_by_unit;

COMMENT ON VIEW marts.burden_index IS 'The composite burden index per unit and period (weighted burden hours, base period = 100). Grain: unit x period. Columns as in marts.burden_hours_by_unit.';
COMMENT ON COLUMN marts.burden_index.unit_code IS 'Unit (ref.units.code); hours include all its descendants.';
COMMENT ON COLUMN marts.burden_index.unit_name IS 'Unit name.';
COMMENT ON COLUMN marts.burden_index.unit_level IS 'province, city, county, township or village.';
COMMENT ON COLUMN marts.burden_index.period_kind IS 'week (ISO), month, quarter or year.';
COMMENT ON COLUMN marts.burden_index.period_start IS 'First day of the period.';
COMMENT ON COLUMN marts.burden_index.period_end IS 'Last day of the period.';
COMMENT ON COLUMN marts.burden_index.burden_index IS 'Composite burden index: 100 x sum(weight x hours) / sum(weight x base hours) over the comparable categories; base period = 100, 70 = 30% less weighted burden. NULL unless status = ok.';
COMMENT ON COLUMN marts.burden_index.comparable_hours IS 'Hours of the categories comparable with the base (status ok or base_zero in marts.burden_hours). Hours.';
COMMENT ON COLUMN marts.burden_index.base_hours IS 'Base-period hours of the same categories, at today''s tariffs. Hours.';
COMMENT ON COLUMN marts.burden_index.insufficient_categories IS 'Categories whose current or base coverage is below the threshold; any of them withholds the index.';
COMMENT ON COLUMN marts.burden_index.excluded_categories IS 'Categories left out of the index: no base (e.g. a source added after the base year) or no tariff.';
COMMENT ON COLUMN marts.burden_index.status IS 'ok; incomplete_period; insufficient_coverage (see insufficient_categories); no_base (no category comparable with the base); base_zero (weighted base hours 0).';
GRANT SELECT ON marts.burden_index TO metrics_analyst;
GRANT SELECT ON marts.burden_index TO metrics_dashboard;
GRANT DELETE, INSERT, SELECT, UPDATE ON marts.burden_index TO metrics_writer;
