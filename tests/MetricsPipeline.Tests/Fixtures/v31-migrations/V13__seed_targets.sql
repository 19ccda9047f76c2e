-- V13: the targets real programmes set (domain.md, "Targets that real programmes set"), seeded as example
-- target rows (origin 'seed'). Configuration targets (origin 'config') are synced beside them and win
-- when they are set against the configured base year (see marts.indicators best_target); a seeded target
-- set against another base (2018) is shown with its source but gives no attainment, because a reduction
-- is only comparable with a target measured from the same base.
--
-- Not seeded, because they are not a reduction against a base: the 2024 rules' "documents only
-- decrease, never increase" (read yoy_change < 0 in marts.indicators), the length caps (5,000 / 4,000
-- characters), one app per central department, and the EU/UK -25% and US PRA -10%/-5% goals, which apply
-- to total burden hours (read marts.burden_index: 75 = -25%).
INSERT INTO ref.targets (category_pattern, scope_unit, base_period, reduction, public_source, origin) VALUES
    ('document.*',   NULL, '2018', 0.30,
     '2019 notice on solving formalism and reducing burdens at the grassroots (为基层减负的通知): documents sent to county level and below cut by 30-50% against 2018 (the lower bound)', 'seed'),
    ('meeting.*',    NULL, '2018', 0.30,
     '2019 notice on solving formalism and reducing burdens at the grassroots (为基层减负的通知): meetings cut by 30-50% against 2018 (the lower bound)', 'seed'),
    ('inspection.*', NULL, '2018', 0.50,
     '2018 rules on inspection, checks and assessment (督查检查考核): items aimed at county, township and village level cut by at least 50%', 'seed');
