-- V47: signals read Chinese first (issue 12). The signal types get a reference table with their Chinese and
-- English labels, what they mean and how their score and effect read (ref.signal_types, the pattern of V40's
-- ref.statuses); marts.signals.signal must name one of them. marts.refresh_signals writes a Chinese summary
-- (summary_zh) beside the English one, with the same numbers, ending with whose counts fired and the same
-- p-value. The views add the labels and summary_zh as their last columns (sql/marts/signals).
--
-- Rows computed before this migration get their summary_zh here, translated from their English summary (every
-- format refresh_signals has written since V15, with or without the V45 "(scope; p = ...)" ending), so no row
-- is left without one; a summary in no known format gets a Chinese sentence that names the signal type and
-- quotes the English. The next refresh of a period rewrites both summaries of its signals.

CREATE TABLE ref.signal_types (
    signal      text PRIMARY KEY,
    label_zh    text NOT NULL,
    label_en    text NOT NULL,
    meaning_zh  text NOT NULL,
    meaning_en  text NOT NULL,
    reading_zh  text NOT NULL,
    reading_en  text NOT NULL
);
COMMENT ON TABLE ref.signal_types IS 'Disguised-burden signal types: labels and meaning in Chinese and English. Grain: one row per signal code marts.refresh_signals can write (marts.signals.signal references it).';
COMMENT ON COLUMN ref.signal_types.signal IS 'Signal code as marts.signals.signal and ref.signal_thresholds.signal write it.';
COMMENT ON COLUMN ref.signal_types.label_zh IS 'Chinese label shown to readers (report, views; Pipeline:Language zh-CN, the default).';
COMMENT ON COLUMN ref.signal_types.label_en IS 'English label (Pipeline:Language en).';
COMMENT ON COLUMN ref.signal_types.meaning_zh IS 'What the signal suggests and when it fires, in Chinese (README, section Disguised-burden signals).';
COMMENT ON COLUMN ref.signal_types.meaning_en IS 'What the signal suggests and when it fires, in English.';
COMMENT ON COLUMN ref.signal_types.reading_zh IS 'How its score and effect read, in Chinese: the score is the same scale for every type (-log10 p, capped at 10); the effect is the type''s own.';
COMMENT ON COLUMN ref.signal_types.reading_en IS 'How its score and effect read, in English.';

INSERT INTO ref.signal_types (signal, label_zh, label_en, meaning_zh, meaning_en, reading_zh, reading_en) VALUES
    ('meetings_online', '会议转线上未减时', 'meetings moved online',
     '线下会议减少,线上会议时长增加,参会总时长基本持平:会议搬到线上,负担没有减轻。',
     'Offline meetings fell while online meeting minutes rose and total attendee minutes stayed flat: meetings moved online without saving time.',
     '分数 = -log10 p(线下会议减少的检验),封顶 10,3 即千分之一的偶然概率;effect 为线下会议降幅(0.45 = 减少 45%)。',
     'Score = -log10 p of the offline drop, capped at 10 (3 = a 1-in-1,000 chance); effect = the offline drop as a fraction (0.45 = 45% fewer).'),
    ('relabelled_documents', '红头改白头', 'documents relabelled',
     '正式文件(红头)减少,非正式文件(白头)增加大致同样多,文件总数持平:文件换了名目,数量没有减少。',
     'Formal (red-header) documents fell while informal (white-header) ones rose by about as much, the total flat: documents relabelled, not cut.',
     '分数 = -log10 p(正式文件占比下降的检验),封顶 10;effect 为正式文件降幅。',
     'Score = -log10 p of the fall in the formal share of documents, capped at 10; effect = the formal drop as a fraction.'),
    ('longer_documents', '文件变长(多文合一)', 'longer documents',
     '正式文件减少,但每件页数增加:几份文件合成一份,篇幅没有减少。',
     'Fewer formal documents, but more pages per document: documents merged rather than cut.',
     '分数 = -log10 p(文件减少与每件页数增加两项检验中较大的 p),封顶 10;effect 为每件页数的增幅。',
     'Score = -log10 of the larger p of the formal drop and the pages-per-document rise, capped at 10; effect = the pages-per-document rise as a fraction.'),
    ('inspections_to_requests', '明察变暗访、群里要', 'inspections turned into data requests',
     '现场督查检查减少,索要材料数据增加:检查换成了在群里要材料。',
     'On-site inspections fell while data requests rose: inspections replaced by data demanded through chat groups.',
     '分数 = -log10 p(现场检查在检查与索要材料中占比下降的检验),封顶 10;effect 为现场检查降幅。',
     'Score = -log10 p of the fall in the on-site share of inspections and requests, capped at 10; effect = the on-site drop as a fraction.'),
    ('apps_to_groups', '应用转工作群', 'apps replaced by groups',
     '在用政务应用减少,工作群或打卡留痕增加:应用砍了,负担转到了群里。',
     'Apps in use fell while work groups or check-ins grew: apps cut, the burden moved to groups.',
     '分数 = -log10 p(应用占比下降的检验;工作群未增加时为应用减少与打卡增加中较大的 p),封顶 10;effect 为应用降幅。',
     'Score = -log10 p of the fall in the apps share of apps and groups (without a groups rise: the larger p of the apps drop and the check-in rise), capped at 10; effect = the apps drop as a fraction.'),
    ('escalation', '层层加码', 'escalation down the tree',
     '上级每下派一项任务,下级单位平均承接的任务多于一项且高于上年同期:任务在层层下传中加码。',
     'The children received more tasks per child per task the unit issued than one to one, and more than a year earlier: tasks multiplied on the way down.',
     '分数 = -log10 p(下级承接数对一比一的检验),封顶 10;effect 为下级平均每个承接的任务数/本单位每下派一项。',
     'Score = -log10 p of the tasks received against one to one, capped at 10; effect = tasks received per child per task issued.'),
    ('document_cascade', '文件层层加码', 'documents multiplied down the tree',
     '本单位每收到一件文件,下级单位平均收到的文件数明显高于同级单位或本单位上年同期:文件在层层转发中加码。',
     'The children received clearly more documents per child per document the unit received than at its same-level peers or a year earlier: documents multiplied on the way down.',
     '分数 = -log10 p(对同级单位比值或对上年同期的检验中较小的 p),封顶 10;effect 为该比值相对同级(或上年同期)比值的倍数。',
     'Score = -log10 of the smaller p of the comparison with the peers'' ratio and with a year earlier, capped at 10; effect = the ratio to the peers'' (or a year earlier''s) ratio.'),
    ('rebound', '减后反弹', 'rebound after a cut',
     '某类事项在两年内曾比基期减少,如今又回升到基期以上:减负没有形成长效机制。',
     'A flow was well below its base in the previous two years and is now back above it: a cut that did not last.',
     '分数 = -log10 p(最低季度的减少与随后回升两项检验中较大的 p),封顶 10;effect 为高出基期的幅度。',
     'Score = -log10 of the larger p of the lowest quarter''s reduction and the rise back, capped at 10; effect = the rise above the base as a fraction.'),
    ('base_inflation', '基期注水', 'inflated base',
     '基期年第四季度明显高于前三季度均值:政策基准日前基期被做大。',
     'The base year''s last quarter was well above the mean of its first three: the base inflated just before the policy date.',
     '分数 = -log10 p(第四季度对前三季度的检验),封顶 10;effect 为高出前三季度均值的幅度。',
     'Score = -log10 p of the last quarter against the first three, capped at 10; effect = the jump above their mean as a fraction.'),
    ('target_heaping', '减幅扎堆目标值', 'reductions heaping at the target',
     '下级单位报告的减幅过多地恰好落在目标值附近:数字可能是凑出来的。',
     'Too many of a parent''s children report a reduction at exactly their target: the figures may be gamed.',
     '分数 = -log10 p(恰在目标处的单位数对目标附近单位数的检验),封顶 10;effect 为恰在目标处的下级单位占比。',
     'Score = -log10 p of the children at the target against those near it, capped at 10; effect = the share of children at the target.');

-- Codes written into marts.signals by hand or by a build this file does not know keep their code as label,
-- so the reference below holds for every row.
INSERT INTO ref.signal_types (signal, label_zh, label_en, meaning_zh, meaning_en, reading_zh, reading_en)
SELECT DISTINCT s.signal, s.signal, s.signal, '(未登记的信号类型)', '(signal type not described)', '(未说明)', '(not described)'
FROM marts.signals s
WHERE NOT EXISTS (SELECT 1 FROM ref.signal_types t WHERE t.signal = s.signal);

ALTER TABLE marts.signals ADD CONSTRAINT signals_signal_type_fkey FOREIGN KEY (signal) REFERENCES ref.signal_types (signal);

GRANT SELECT ON ref.signal_types TO metrics_analyst, metrics_writer;

-- The Chinese summary. The translation of the English summaries already stored, row by row (a one-time move,
-- so a DO block, not a function): each format of refresh_signals with its Chinese counterpart (the sentences
-- refresh_signals writes from now on).
ALTER TABLE marts.signals ADD COLUMN summary_zh text NULL;

DO $translate$
DECLARE
    n      constant text := '(-?[0-9]+(?:\.[0-9]+)?)';
    r      record;
    m      text[];
    body   text;
    suffix text;
    zh     text;
    cat    text;
    p_signal  text;
    p_summary text;
BEGIN
  FOR r IN SELECT s.signal_id, s.signal, s.category, s.summary FROM marts.signals s LOOP
    p_signal := r.signal;
    p_summary := r.summary;
    suffix := '';
    zh := NULL;
    cat := coalesce((SELECT c.label_zh FROM ref.categories c WHERE c.category = r.category), r.category);
    m := regexp_match(p_summary, '^(.*) \((own counts and with its subtree|own counts|with its subtree); p = ([^)]*)\)$');
    IF m IS NULL THEN
        body := p_summary;
    ELSE
        body := m[1];
        suffix := format('(%s;p = %s)',
                         CASE m[2] WHEN 'own counts and with its subtree' THEN '本单位自身数据与含下级均触发'
                                   WHEN 'own counts' THEN '本单位自身数据' ELSE '含下级单位数据' END,
                         m[3]);
    END IF;

    IF p_signal = 'meetings_online' THEN
        m := regexp_match(body, '^Offline meetings ' || n || '% while online meeting minutes (' || n || '%|rose from 0) and total attendee minutes ' || n || '% against a year earlier$');
        IF m IS NOT NULL THEN
            zh := format('与上年同期相比,线下会议场次变化 %s%%,线上会议时长%s,参会总时长(人·分钟)变化 %s%%',
                         m[1], CASE WHEN m[3] IS NULL THEN '由 0 起增加' ELSE '变化 ' || m[3] || '%' END, m[4]);
        END IF;
    ELSIF p_signal = 'relabelled_documents' THEN
        m := regexp_match(body, '^Formal documents ' || n || ' \(' || n || '%\) while informal documents rose ' || n || ': the total is flat$');
        IF m IS NOT NULL THEN
            zh := format('正式文件(红头)变化 %s 件(%s%%),非正式文件(白头)增加 %s 件:文件总数基本持平', m[1], m[2], m[3]);
        END IF;
    ELSIF p_signal = 'longer_documents' THEN
        m := regexp_match(body, '^Formal documents ' || n || '% while pages per document rose from ' || n || ' to ' || n || '$');
        IF m IS NOT NULL THEN
            zh := format('正式文件变化 %s%%,每件页数由 %s 增至 %s', m[1], m[2], m[3]);
        END IF;
    ELSIF p_signal = 'inspections_to_requests' THEN
        m := regexp_match(body, '^On-site inspections ' || n || '% while data requests (' || n || '%|rose from 0)$');
        IF m IS NOT NULL THEN
            zh := format('现场督查检查变化 %s%%,索要材料数据%s',
                         m[1], CASE WHEN m[3] IS NULL THEN '由 0 起增加' ELSE '变化 ' || m[3] || '%' END);
        END IF;
    ELSIF p_signal = 'apps_to_groups' THEN
        m := regexp_match(body, '^Apps in use ' || n || '% while work groups (' || n || '%|n/a) and check-ins (' || n || '%|n/a); apps \+ groups ' || n || '%$');
        IF m IS NOT NULL THEN
            zh := format('在用政务应用变化 %s%%,工作群%s,打卡留痕%s;应用与工作群合计变化 %s%%',
                         m[1], CASE WHEN m[3] IS NULL THEN '无可比数据' ELSE '变化 ' || m[3] || '%' END,
                         CASE WHEN m[5] IS NULL THEN '无可比数据' ELSE '变化 ' || m[5] || '%' END, m[6]);
        END IF;
    ELSIF p_signal = 'escalation' THEN
        m := regexp_match(body, '^Each of ' || n || ' children received ' || n || ' tasks per task the unit issued \(' || n || ' issued, ' || n || ' received\)(, up from ' || n || ' a year earlier)?$');
        IF m IS NOT NULL THEN
            zh := format('%s 个下级单位平均每个承接 %s 项任务/本单位每下派 1 项(下派 %s 项,下级共承接 %s 项)%s',
                         m[1], m[2], m[3], m[4], coalesce(',上年同期为 ' || m[6], ''));
        END IF;
    ELSIF p_signal = 'document_cascade' THEN
        m := regexp_match(body, '^Each of ' || n || ' children received ' || n || ' documents per document the unit received \(' || n || ' received, children ' || n || '\)(; ' || n || ' times the peers'' ' || n || ')?(; ' || n || ' times its ' || n || ' a year earlier)?$');
        IF m IS NOT NULL THEN
            zh := format('%s 个下级单位平均每个收到 %s 件文件/本单位每收到 1 件(本单位收到 %s 件,下级共 %s 件)%s%s',
                         m[1], m[2], m[3], m[4],
                         CASE WHEN m[5] IS NOT NULL THEN format(';为同级单位比值 %s 的 %s 倍', m[7], m[6]) ELSE '' END,
                         CASE WHEN m[8] IS NOT NULL THEN format(';为其上年同期比值 %s 的 %s 倍', m[10], m[9]) ELSE '' END);
        END IF;
    ELSIF p_signal = 'rebound' THEN
        m := regexp_match(body, '^\S+ back ' || n || '% above base \(' || n || ' vs ' || n || '\) after a ' || n || '% reduction in the quarter from ([0-9]{4}-[0-9]{2}-[0-9]{2})$');
        IF m IS NOT NULL THEN
            zh := format('%s回升至比基期高 %s%%(%s 对基期 %s),此前自 %s 起的季度曾比基期减少 %s%%', cat, m[1], m[2], m[3], m[5], m[4]);
        END IF;
    ELSIF p_signal = 'base_inflation' THEN
        m := regexp_match(body, '^\S+ in the last quarter of base year ([0-9]+) was ' || n || ', ' || n || '% above the mean ' || n || ' of its first three quarters$');
        IF m IS NOT NULL THEN
            zh := format('%s在基期年 %s 第四季度为 %s,比前三季度均值 %s 高 %s%%', cat, m[1], m[2], m[4], m[3]);
        END IF;
    ELSIF p_signal = 'target_heaping' THEN
        m := regexp_match(body, '^' || n || ' of ' || n || ' units below report a \S+ reduction within ' || n || ' points of the ' || n || '% target( \(' || n || ' more within ' || n || ' points\))?$');
        IF m IS NOT NULL THEN
            zh := format('下级 %s 个单位中有 %s 个报告的%s减幅与 %s%% 的目标相差不超过 %s 个百分点%s', m[2], m[1], cat, m[4], m[3],
                         CASE WHEN m[5] IS NOT NULL THEN format('(另有 %s 个相差不超过 %s 个百分点)', m[6], m[7]) ELSE '' END);
        END IF;
    END IF;

    UPDATE marts.signals SET summary_zh = coalesce(zh || suffix,
                    format('%s(本条摘要由旧版本写成,无法转为中文,英文原文:%s)',
                           coalesce((SELECT t.label_zh FROM ref.signal_types t WHERE t.signal = p_signal), p_signal), p_summary))
    WHERE signal_id = r.signal_id;
  END LOOP;
END
$translate$;

ALTER TABLE marts.signals ALTER COLUMN summary_zh SET NOT NULL;
COMMENT ON COLUMN marts.signals.summary_zh IS 'The summary in Chinese, shown to readers first (Pipeline:Language zh-CN): the same sentence and numbers as summary, ending with whose counts fired and the same p-value. Rows computed before V47: translated from summary by the migration.';
COMMENT ON COLUMN marts.signals.summary IS 'One sentence in English (Pipeline:Language en), ending with whose counts fired and the p-value; summary_zh says the same in Chinese.';
COMMENT ON COLUMN marts.signals.signal IS 'meetings_online, relabelled_documents, longer_documents, inspections_to_requests, apps_to_groups, escalation, document_cascade, rebound, base_inflation, target_heaping: a ref.signal_types row (labels, meaning; README, ref.signal_thresholds).';
