namespace MetricsPipeline.Warehouse;

/// <summary>Statements of <see cref="ReferenceSync"/>. Each only writes rows that changed.</summary>
internal static class ReferenceSql
{
    public const string UpsertUnits = """
        WITH file AS (
            SELECT * FROM unnest(@codes::text[], @names::text[], @parents::text[], @levels::text[], @headcounts::int[])
                AS f(code, name, parent_code, level, headcount)),
        upserted AS (
            INSERT INTO ref.units AS u (code, name, parent_code, level, headcount)
            SELECT code, name, parent_code, level, headcount FROM file
            ON CONFLICT (code) DO UPDATE
            SET name = EXCLUDED.name, parent_code = EXCLUDED.parent_code, level = EXCLUDED.level, headcount = EXCLUDED.headcount,
                active = true, deactivated_at = NULL, changed_at = now()
            WHERE (u.name, u.parent_code, u.level, u.headcount, u.active)
                  IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.parent_code, EXCLUDED.level, EXCLUDED.headcount, true)
            RETURNING 1)
        UPDATE ref.units u SET active = false, deactivated_at = now(), changed_at = now()
        WHERE u.active AND NOT EXISTS (SELECT 1 FROM file WHERE file.code = u.code)
        """;

    public const string UpsertConfiguredCategories = """
        INSERT INTO ref.categories AS c (category, family, kind, description, label_zh, label_en, origin)
        SELECT name, family, kind, description, label_zh, label_en, 'config'
        FROM unnest(@names::text[], @families::text[], @kinds::text[], @descriptions::text[], @labelsZh::text[], @labelsEn::text[])
            AS x(name, family, kind, description, label_zh, label_en)
        ON CONFLICT (category) DO UPDATE
        SET family = EXCLUDED.family, kind = EXCLUDED.kind, description = EXCLUDED.description,
            label_zh = EXCLUDED.label_zh, label_en = EXCLUDED.label_en
        WHERE c.origin = 'config' AND (c.family, c.kind, c.description, c.label_zh, c.label_en)
              IS DISTINCT FROM (EXCLUDED.family, EXCLUDED.kind, EXCLUDED.description, EXCLUDED.label_zh, EXCLUDED.label_en)
        """;

    public const string SyncStreams = """
        WITH configured AS (
            SELECT source, stream, provider, time_zone, string_to_array(measures, ',') AS measures, string_to_array(categories, ',') AS categories
            FROM unnest(@sources::text[], @streams::text[], @providers::text[], @zones::text[], @measures::text[], @categories::text[])
                AS x(source, stream, provider, time_zone, measures, categories)),
        upserted AS (
            INSERT INTO ref.streams AS s (source, stream, provider, time_zone, history_from, measures, categories, active, synced_at)
            SELECT source, stream, provider, time_zone, @historyFrom, measures, categories, true, now() FROM configured
            ON CONFLICT (source, stream) DO UPDATE
            SET provider = EXCLUDED.provider, time_zone = EXCLUDED.time_zone, history_from = EXCLUDED.history_from,
                measures = EXCLUDED.measures, categories = EXCLUDED.categories, active = true, synced_at = now()
            WHERE (s.provider, s.time_zone, s.history_from, s.measures, s.categories, s.active)
                  IS DISTINCT FROM (EXCLUDED.provider, EXCLUDED.time_zone, EXCLUDED.history_from, EXCLUDED.measures, EXCLUDED.categories, true)
            RETURNING 1)
        UPDATE ref.streams s SET active = false, synced_at = now()
        WHERE s.active AND NOT EXISTS (SELECT 1 FROM configured c WHERE c.source = s.source AND c.stream = s.stream)
        """;

    public const string SyncSources = """
        WITH configured AS (
            SELECT * FROM unnest(@sources::text[], @providers::text[], @zones::text[], @schedules::text[], @freshness::interval[])
                AS x(source, provider, time_zone, schedule, expected_freshness)),
        upserted AS (
            INSERT INTO ref.sources AS s (source, provider, time_zone, schedule, expected_freshness, active, synced_at)
            SELECT source, provider, time_zone, schedule, expected_freshness, true, now() FROM configured
            ON CONFLICT (source) DO UPDATE
            SET provider = EXCLUDED.provider, time_zone = EXCLUDED.time_zone, schedule = EXCLUDED.schedule,
                expected_freshness = EXCLUDED.expected_freshness, active = true, synced_at = now()
            WHERE (s.provider, s.time_zone, s.schedule, s.expected_freshness, s.active)
                  IS DISTINCT FROM (EXCLUDED.provider, EXCLUDED.time_zone, EXCLUDED.schedule, EXCLUDED.expected_freshness, true)
            RETURNING 1)
        UPDATE ref.sources s SET active = false, synced_at = now()
        WHERE s.active AND NOT EXISTS (SELECT 1 FROM configured c WHERE c.source = s.source)
        """;

    public const string SyncCodeMap = """
        WITH configured AS (
            SELECT * FROM unnest(@sources::text[], @streams::text[], @sourceCodes::text[], @categories::text[])
                AS x(source, stream, source_code, category)),
        removed AS (
            DELETE FROM ref.code_map m
            WHERE NOT EXISTS (SELECT 1 FROM configured c
                              WHERE (c.source, c.stream, c.source_code) = (m.source, m.stream, m.source_code))
            RETURNING 1)
        INSERT INTO ref.code_map (source, stream, source_code, category)
        SELECT source, stream, source_code, category FROM configured
        ON CONFLICT (source, stream, source_code) DO UPDATE SET category = EXCLUDED.category
        WHERE ref.code_map.category IS DISTINCT FROM EXCLUDED.category
        """;

    public const string SyncTargets = """
        WITH configured AS (
            SELECT * FROM unnest(@patterns::text[], @scopes::text[], @bases::text[], @reductions::numeric[], @publicSources::text[])
                AS x(category_pattern, scope_unit, base_period, reduction, public_source)),
        removed AS (
            DELETE FROM ref.targets t WHERE t.origin = 'config'
              AND NOT EXISTS (SELECT 1 FROM configured c
                              WHERE (c.category_pattern, c.scope_unit, c.base_period, c.reduction, c.public_source)
                                    IS NOT DISTINCT FROM (t.category_pattern, t.scope_unit, t.base_period, t.reduction, t.public_source))
            RETURNING 1)
        INSERT INTO ref.targets (category_pattern, scope_unit, base_period, reduction, public_source, origin)
        SELECT c.category_pattern, c.scope_unit, c.base_period, c.reduction, c.public_source, 'config' FROM configured c
        WHERE NOT EXISTS (SELECT 1 FROM ref.targets t WHERE t.origin = 'config'
                            AND (c.category_pattern, c.scope_unit, c.base_period, c.reduction, c.public_source)
                                IS NOT DISTINCT FROM (t.category_pattern, t.scope_unit, t.base_period, t.reduction, t.public_source))
        """;

    // Configured tariffs replace their seeded row of the same pattern in the views (config beats seed).
    public const string SyncTariffs = """
        WITH configured AS (
            SELECT * FROM unnest(@patterns::text[], @minutes::numeric[], @weights::numeric[], @rationales::text[])
                AS x(category_pattern, minutes_per_item, index_weight, rationale)),
        removed AS (
            DELETE FROM ref.tariffs t WHERE t.origin = 'config'
              AND NOT EXISTS (SELECT 1 FROM configured c WHERE c.category_pattern = t.category_pattern)
            RETURNING 1)
        INSERT INTO ref.tariffs AS t (category_pattern, minutes_per_item, index_weight, rationale, origin)
        SELECT category_pattern, minutes_per_item, index_weight, rationale, 'config' FROM configured
        ON CONFLICT (category_pattern, origin) DO UPDATE
        SET minutes_per_item = EXCLUDED.minutes_per_item, index_weight = EXCLUDED.index_weight, rationale = EXCLUDED.rationale
        WHERE (t.minutes_per_item, t.index_weight, t.rationale) IS DISTINCT FROM (EXCLUDED.minutes_per_item, EXCLUDED.index_weight, EXCLUDED.rationale)
        """;

    public const string SyncSettings = """
        INSERT INTO ref.indicator_settings AS s (key, value)
        VALUES ('base_period', @basePeriod), ('coverage_threshold', @threshold), ('working_hours_per_fte_year', @workingHours)
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value WHERE s.value IS DISTINCT FROM EXCLUDED.value
        """;
}
