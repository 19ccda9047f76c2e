-- V34: a province can be the root of the org tree. Real trees (GB/T 2260 division codes) have five levels:
-- province > city > county > township > village; until now the root of a province had to pose as a city.
ALTER TABLE ref.units DROP CONSTRAINT units_level_check;
ALTER TABLE ref.units ADD CONSTRAINT units_level_check
    CHECK (level IN ('province', 'city', 'county', 'township', 'village'));
COMMENT ON COLUMN ref.units.level IS 'province, city, county, township or village.';
COMMENT ON TABLE ref.units IS 'Org tree (province > city > county > township > village). Grain: one row per unit code ever seen in the org-units file.';
