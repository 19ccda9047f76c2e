using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// A small warehouse whose every indicator can be checked by hand. Base year 2021 (set in
/// ref.indicator_settings), comparison years 2022 and 2023, plus one fact on today for the current month.
/// <code>
///   C  City          headcount 50
///   └ K  County      headcount 20
///     └ T  Township  headcount 5   (has facts of its own)
///       ├ V1 Village headcount 4
///       ├ V2 Village headcount 0
///       └ V3 Village headcount 3, inactive (merged away; has 2021 history)
/// </code>
/// Streams and coverage:
/// <list type="bullet">
/// <item>oa/docs and oa2/notices feed document.formal, pulled every day 2021-01-01 .. today.
///   old/gone also lists document.formal but is inactive, so it is not expected.</item>
/// <item>grid/apps feeds the stock digital_tool.app, pulled 2021 .. 2023 except 2023-04-30.</item>
/// <item>meet/rooms feeds meeting.offline from 2022-01-01 only: the 2021 base is not covered.</item>
/// <item>chk/app feeds check_in, pulled every day, with no events in 2021: the base is zero.</item>
/// <item>insp/register and insp2/remote feed inspection.onsite; insp/register missed 2023-03-01 .. 03-05.</item>
/// </list>
/// document.formal counts (the main flow series):
/// <code>
///   2021  V1 03-10: 10   V2 03-15: 6   V3 03-05: 4   V1 07-01: 20
///   2022  V1 03-10: 8    V2 03-15: 8   V1 09-09: 8
///   2023  V1 02-05: 6    V1 03-10: 5 (oa/docs) + 3 (oa2/notices)   V2 03-12: 2   T 03-20: 2
///   today V1: 3
/// </code>
/// Targets: document.* for every unit, 50% against 2021; document.formal scoped to V2, 20% against 2021.
/// </summary>
internal static class IndicatorScenario
{
    public static readonly string[] Categories =
        ["document.formal", "digital_tool.app", "meeting.offline", "check_in", "inspection.onsite"];

    internal const string Seed = """
        UPDATE ref.indicator_settings SET value = '2021' WHERE key = 'base_period';

        INSERT INTO ref.units (code, name, parent_code, level, headcount, active) VALUES
            ('C',  'City',        NULL, 'city',     50, true),
            ('K',  'County',      'C',  'county',   20, true),
            ('T',  'Township',    'K',  'township',  5, true),
            ('V1', 'Village One', 'T',  'village',   4, true),
            ('V2', 'Village Two', 'T',  'village',   0, true),
            ('V3', 'Old Village', 'T',  'village',   3, false);

        INSERT INTO ref.streams (source, stream, provider, time_zone, history_from, measures, categories, active) VALUES
            ('oa',    'docs',     'postgres', 'Asia/Shanghai', '2021-01-01', '{count}',  '{document.formal,document.informal}', true),
            ('oa2',   'notices',  'sqlite',   'Asia/Shanghai', '2021-01-01', '{count}',  '{document.formal}',   true),
            ('old',   'gone',     'sqlite',   'Asia/Shanghai', '2021-01-01', '{count}',  '{document.formal}',   false),
            ('grid',  'apps',     'postgres', 'Asia/Shanghai', '2021-01-01', '{active}', '{digital_tool.app}',  true),
            ('meet',  'rooms',    'postgres', 'Asia/Shanghai', '2022-01-01', '{count}',  '{meeting.offline}',   true),
            ('chk',   'app',      'postgres', 'Asia/Shanghai', '2021-01-01', '{count}',  '{check_in}',          true),
            ('insp',  'register', 'postgres', 'Asia/Shanghai', '2021-01-01', '{count}',  '{inspection.onsite}', true),
            ('insp2', 'remote',   'postgres', 'Asia/Shanghai', '2021-01-01', '{count}',  '{inspection.onsite}', true);

        INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
        SELECT s.source, s.stream, d::date, 1, now()
        FROM (VALUES ('oa',    'docs',     '2021-01-01'::date, current_date),
                     ('oa2',   'notices',  '2021-01-01',       current_date),
                     ('chk',   'app',      '2021-01-01',       current_date),
                     ('insp2', 'remote',   '2021-01-01',       current_date),
                     ('grid',  'apps',     '2021-01-01',       '2023-12-31'),
                     ('meet',  'rooms',    '2022-01-01',       '2023-12-31'),
                     ('insp',  'register', '2021-01-01',       '2023-12-31')) AS s(source, stream, first_day, last_day)
        CROSS JOIN LATERAL generate_series(s.first_day, s.last_day, interval '1 day') AS d
        WHERE NOT (s.source = 'grid' AND d = '2023-04-30')
          AND NOT (s.source = 'insp' AND d BETWEEN '2023-03-01' AND '2023-03-05');

        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT source, stream, day::date, unit_code, category, measure, value, now(), 1
        FROM (VALUES
            ('oa',   'docs',     '2021-03-10', 'V1', 'document.formal',   'count', 10),
            ('oa',   'docs',     '2021-03-15', 'V2', 'document.formal',   'count',  6),
            ('oa',   'docs',     '2021-03-05', 'V3', 'document.formal',   'count',  4),
            ('oa',   'docs',     '2021-07-01', 'V1', 'document.formal',   'count', 20),
            ('oa',   'docs',     '2022-03-10', 'V1', 'document.formal',   'count',  8),
            ('oa',   'docs',     '2022-03-15', 'V2', 'document.formal',   'count',  8),
            ('oa',   'docs',     '2022-09-09', 'V1', 'document.formal',   'count',  8),
            ('oa',   'docs',     '2023-02-05', 'V1', 'document.formal',   'count',  6),
            ('oa',   'docs',     '2023-03-10', 'V1', 'document.formal',   'count',  5),
            ('oa2',  'notices',  '2023-03-10', 'V1', 'document.formal',   'count',  3),
            ('oa',   'docs',     '2023-03-12', 'V2', 'document.formal',   'count',  2),
            ('oa',   'docs',     '2023-03-20', 'T',  'document.formal',   'count',  2),
            ('meet', 'rooms',    '2023-03-05', 'V1', 'meeting.offline',   'count',  4),
            ('chk',  'app',      '2023-03-03', 'V1', 'check_in',          'count',  7),
            ('insp', 'register', '2021-03-02', 'V1', 'inspection.onsite', 'count',  4),
            ('insp', 'register', '2023-03-10', 'V1', 'inspection.onsite', 'count',  2)
        ) AS f(source, stream, day, unit_code, category, measure, value);

        -- The stock: apps in use, one level per unit and day, April 2023 (30 days, the 30th not pulled).
        --   V1: 4 on 04-01 .. 04-14, 2 on 04-15 .. 04-29;  V2: 5 on 04-01 .. 04-29;  T itself: 1 on 04-01 only.
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT 'grid', 'apps', d::date, u.unit_code, 'digital_tool.app', 'active', u.level, now(), 1
        FROM (VALUES ('V1', '2023-04-01'::date, '2023-04-14'::date, 4),
                     ('V1', '2023-04-15',       '2023-04-29',       2),
                     ('V2', '2023-04-01',       '2023-04-29',       5),
                     ('T',  '2023-04-01',       '2023-04-01',       1)) AS u(unit_code, first_day, last_day, level)
        CROSS JOIN LATERAL generate_series(u.first_day, u.last_day, interval '1 day') AS d;

        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        VALUES ('oa', 'docs', current_date, 'V1', 'document.formal', 'count', 3, now(), 1);

        INSERT INTO ref.targets (category_pattern, scope_unit, base_period, reduction, public_source, origin) VALUES
            ('document.*',      NULL, '2021', 0.5, 'National notice', 'config'),
            ('document.formal', 'V2', '2021', 0.2, 'Village Two pledge', 'config');
        """;

    /// <summary>A fresh migrated warehouse with the scenario loaded and every period refreshed once.</summary>
    public static async Task<string> CreateAsync()
    {
        var connectionString = await TestPostgres.CreateWarehouseAsync("ind");
        await using var connection = await OpenAsync(connectionString);
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(Seed, transaction: transaction);
        await RefreshAsync(connection, new DateTime(2021, 1, 1), new DateTime(2023, 12, 31), Categories, transaction);
        await connection.ExecuteAsync(
            "SELECT marts.refresh_periods(date_trunc('month', current_date)::date, current_date, '{document.formal}')",
            transaction: transaction);
        await transaction.CommitAsync();
        return connectionString;
    }

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static Task RefreshAsync(NpgsqlConnection connection, DateTime from, DateTime to, string[] categories,
        NpgsqlTransaction? transaction = null) =>
        connection.ExecuteAsync(
            "SELECT marts.refresh_periods(@from::date, @to::date, @categories)",
            new { from, to, categories }, transaction);

    public static Task<decimal?> ValueAsync(NpgsqlConnection connection, string unit, string category, string measure,
        string periodKind, DateTime periodStart) =>
        connection.QuerySingleAsync<decimal?>(
            """
            SELECT value FROM marts.period_values
            WHERE unit_code = @unit AND category = @category AND measure = @measure
              AND period_kind = @periodKind AND period_start = @periodStart::date
            """,
            new { unit, category, measure, periodKind, periodStart });

    public static Task<IndicatorRow> IndicatorAsync(NpgsqlConnection connection, string unit, string category,
        string periodKind, DateTime periodStart, string measure = "count") =>
        connection.QuerySingleAsync<IndicatorRow>(
            IndicatorRow.Select + """
             WHERE unit_code = @unit AND category = @category AND measure = @measure
               AND period_kind = @periodKind AND period_start = @periodStart::date
            """,
            new { unit, category, measure, periodKind, periodStart });
}

/// <summary>One row of marts.indicators, with the columns the tests look at.</summary>
public sealed class IndicatorRow
{
    public const string Select = """
        SELECT unit_code AS UnitCode, category AS Category, measure AS Measure, period_kind AS PeriodKind,
               period_start AS PeriodStart, value AS Value, headcount AS Headcount, per_fte AS PerFte,
               subtree_headcount AS SubtreeHeadcount, per_fte_subtree AS PerFteSubtree,
               base_period_start AS BasePeriodStart, base_value AS BaseValue, reduction AS Reduction,
               prior_year_value AS PriorYearValue, yoy_change AS YoyChange,
               prior_month_value AS PriorMonthValue, mom_change AS MomChange,
               target_reduction AS TargetReduction, target_source AS TargetSource,
               target_category_pattern AS TargetCategoryPattern, attainment AS Attainment, target_met AS TargetMet,
               coverage AS Coverage, base_coverage AS BaseCoverage, missing_streams AS MissingStreams,
               status AS Status
        FROM marts.indicators
        """;

    public string UnitCode { get; init; } = "";
    public string Category { get; init; } = "";
    public string Measure { get; init; } = "";
    public string PeriodKind { get; init; } = "";
    public DateTime PeriodStart { get; init; }
    public decimal? Value { get; init; }
    public int? Headcount { get; init; }
    public decimal? PerFte { get; init; }
    public long? SubtreeHeadcount { get; init; }
    public decimal? PerFteSubtree { get; init; }
    public DateTime BasePeriodStart { get; init; }
    public decimal? BaseValue { get; init; }
    public decimal? Reduction { get; init; }
    public decimal? PriorYearValue { get; init; }
    public decimal? YoyChange { get; init; }
    public decimal? PriorMonthValue { get; init; }
    public decimal? MomChange { get; init; }
    public decimal? TargetReduction { get; init; }
    public string? TargetSource { get; init; }
    public string? TargetCategoryPattern { get; init; }
    public decimal? Attainment { get; init; }
    public bool? TargetMet { get; init; }
    public decimal? Coverage { get; init; }
    public decimal? BaseCoverage { get; init; }
    public string[] MissingStreams { get; init; } = [];
    public string Status { get; init; } = "";
}

/// <summary>Builds the scenario once for the tests that only read it.</summary>
public sealed class IndicatorScenarioFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await IndicatorScenario.CreateAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
