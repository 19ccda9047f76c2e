-- The tariff in force per category: a configured row beats a seeded one, an exact category beats family.*.
CREATE VIEW ref.effective_tariffs AS
SELECT DISTINCT ON (cat.category)
       cat.category, cat.kind, t.category_pattern, t.minutes_per_item, t.index_weight, t.rationale, t.origin,
       CASE cat.kind WHEN 'flow' THEN 'minutes per item' ELSE 'minutes per item in use per day' END AS basis
FROM ref.categories cat
JOIN ref.tariffs t
  ON t.category_pattern = cat.category
  OR t.category_pattern = split_part(cat.category, '.', 1) || '.*'
ORDER BY cat.category, (t.origin = 'config') DESC, (t.category_pattern = cat.category) DESC;

COMMENT ON VIEW ref.effective_tariffs IS 'The tariff in force for each category: configured beats seeded, exact category beats family.*. Grain: one row per category that has a tariff.';
COMMENT ON COLUMN ref.effective_tariffs.category IS 'Canonical category.';
COMMENT ON COLUMN ref.effective_tariffs.kind IS 'flow or stock.';
COMMENT ON COLUMN ref.effective_tariffs.category_pattern IS 'The tariff row that applies (the category or its family.*).';
COMMENT ON COLUMN ref.effective_tariffs.minutes_per_item IS 'Minutes per item (flows) or per item in use per day (stocks).';
COMMENT ON COLUMN ref.effective_tariffs.index_weight IS 'Weight in the composite burden index.';
COMMENT ON COLUMN ref.effective_tariffs.rationale IS 'What the minutes stand for.';
COMMENT ON COLUMN ref.effective_tariffs.origin IS 'seed or config.';
COMMENT ON COLUMN ref.effective_tariffs.basis IS 'What the minutes are per: item (flows) or item in use per day (stocks).';
GRANT SELECT ON ref.effective_tariffs TO metrics_analyst;
GRANT DELETE, INSERT, SELECT, UPDATE ON ref.effective_tariffs TO metrics_writer;
