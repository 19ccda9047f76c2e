-- V40: readers read Chinese first. Categories and indicator statuses carry a Chinese and an English label;
-- the views keep the codes (queries and dashboards filter on them) and add the labels beside them.

ALTER TABLE ref.categories ADD COLUMN label_zh text;
ALTER TABLE ref.categories ADD COLUMN label_en text;

UPDATE ref.categories c SET label_zh = l.zh, label_en = l.en
FROM (VALUES
    ('document.formal',         '正式文件(红头)',   'Formal documents (red-header)'),
    ('document.informal',       '非正式文件(白头)', 'Informal documents (white-header, notes)'),
    ('meeting.offline',         '线下会议',         'Meetings in person'),
    ('meeting.online',          '线上会议',         'Online meetings'),
    ('inspection.onsite',       '现场督查检查',     'On-site inspections'),
    ('inspection.remote',       '远程督查检查',     'Remote inspections'),
    ('data_request',            '索要材料数据',     'Data and material requests'),
    ('report_form',             '报表填报',         'Forms and statistical reports'),
    ('check_in',                '打卡留痕',         'Check-ins and uploads'),
    ('digital_tool.app',        '政务应用',         'Apps in use'),
    ('digital_tool.work_group', '工作群',           'Work groups in use'),
    ('task.issued',             '下派任务',         'Tasks issued'),
    ('task.received',           '承接任务',         'Tasks received')
) AS l(category, zh, en)
WHERE c.category = l.category;
-- Categories added by configuration before labels existed: the code stands in until the configuration names them.
UPDATE ref.categories SET label_zh = coalesce(label_zh, category), label_en = coalesce(label_en, category);

ALTER TABLE ref.categories ALTER COLUMN label_zh SET NOT NULL;
ALTER TABLE ref.categories ALTER COLUMN label_en SET NOT NULL;
COMMENT ON COLUMN ref.categories.label_zh IS 'Chinese label shown to readers (report, CLI with Pipeline:Language zh-CN, views); configured categories: Pipeline:Categories[]:LabelZh, else the code.';
COMMENT ON COLUMN ref.categories.label_en IS 'English label (Pipeline:Language en); configured categories: Pipeline:Categories[]:LabelEn, else the code.';

-- Why an indicator is or is not a number (marts.indicators.status and the status of the burden views).
CREATE TABLE ref.statuses (
    code         text PRIMARY KEY,
    label_zh     text NOT NULL,
    label_en     text NOT NULL,
    description  text NOT NULL
);
COMMENT ON TABLE ref.statuses IS 'Indicator statuses: why a reduction is published or not. Grain: one row per status code used in marts.indicators, marts.burden_hours, marts.burden_hours_by_unit and marts.rolling_12_months.';
COMMENT ON COLUMN ref.statuses.code IS 'Status code as the views write it (status column): ok, incomplete_period, no_base, insufficient_coverage, base_zero, no_tariff.';
COMMENT ON COLUMN ref.statuses.label_zh IS 'Chinese label shown to readers (Pipeline:Language zh-CN, the default).';
COMMENT ON COLUMN ref.statuses.label_en IS 'English label (Pipeline:Language en).';
COMMENT ON COLUMN ref.statuses.description IS 'What the status means and what makes it, in English (the definitions of README, section Indicators).';

INSERT INTO ref.statuses (code, label_zh, label_en, description) VALUES
    ('ok',                    '已计算',       'computed',              'Both periods ended and covered at the threshold, base value above 0: reduction and attainment are published.'),
    ('incomplete_period',     '期间未结束',   'period not ended',      'The period has not ended yet (period end >= today): no reduction, attainment or change is published.'),
    ('no_base',               '无基期数据',   'no base data',          'The base period has no covered data (no stream was expected or pulled then).'),
    ('insufficient_coverage', '覆盖率不足',   'insufficient coverage', 'The coverage of the current or the base period is below the threshold; missing_streams names the streams with unpulled days.'),
    ('base_zero',             '基期为零',     'base is zero',          'The base value is 0, so a reduction is undefined.'),
    ('no_tariff',             '无工时标准',   'no tariff',             'No Standard Cost Model tariff applies to the category, so its burden hours are unknown.');

-- Analysts read the labels here too; dashboards read them through the marts views (they have no USAGE on ref, V43).
GRANT SELECT ON ref.statuses TO metrics_analyst, metrics_writer;
