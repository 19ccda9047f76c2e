using System.Text.Json;
using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using Npgsql;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// A warehouse dated relative to today for marts.year_to_date: Y = this year, B = Y - 2 the base year,
/// D = yesterday (the span is 1 January .. D; n = its days). Coverage threshold 0.999, so one missing day
/// in a span of at most 366 withholds the reduction.
/// <code>
///   C city ─ T township ─┬ V1 village
///                        └ V2 village
/// </code>
/// document.formal (flow, oa/docs pulled every day B .. today): B-01-01 V1 10, V2 6; B-12-31 V1 100 (after
/// the base span); Y-01-01 V1 4; D V2 2; today V1 50 (today is not complete: after the span).
/// digital_tool.app (stock, grid/apps every day): V1 level 3 every day of B; this year V1 2 every day
/// through today and V2 4 on Y-01-01 only.
/// inspection.onsite (flow, insp/register every day except Y-01-01): B-01-02 V1 5; Y-01-02 V1 1.
/// meeting.offline (flow, meet/rooms from Y-01-01 only: no base): Y-01-01 V1 3.
/// </summary>
public sealed class YearToDateScenarioFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public int Y { get; } = DateTime.Today.Year;
    public int B => Y - 2;
    public DateOnly Yesterday { get; } = DateOnly.FromDateTime(DateTime.Today).AddDays(-1);

    /// <summary>Days of this year's span; 0 on 1 January, when no day of the year is complete yet.</summary>
    public int SpanDays => Yesterday.Year == Y ? Yesterday.DayOfYear : 0;

    private const string Seed = """
        UPDATE ref.indicator_settings SET value = @b::text WHERE key = 'base_period';
        UPDATE ref.indicator_settings SET value = '0.999' WHERE key = 'coverage_threshold';
        INSERT INTO ref.units (code, name, parent_code, level, headcount) VALUES
            ('C', '梅州市', NULL, 'city', 10), ('T', 'Township', 'C', 'township', 5),
            ('V1', 'Village One', 'T', 'village', 3), ('V2', 'Village Two', 'T', 'village', 2);
        INSERT INTO ref.streams (source, stream, provider, time_zone, history_from, measures, categories) VALUES
            ('oa',   'docs',     'postgres', 'Asia/Shanghai', make_date(@b, 1, 1), '{count}',  '{document.formal}'),
            ('grid', 'apps',     'postgres', 'Asia/Shanghai', make_date(@b, 1, 1), '{active}', '{digital_tool.app}'),
            ('insp', 'register', 'postgres', 'Asia/Shanghai', make_date(@b, 1, 1), '{count}',  '{inspection.onsite}'),
            ('meet', 'rooms',    'postgres', 'Asia/Shanghai', make_date(@y, 1, 1), '{count}',  '{meeting.offline}');
        INSERT INTO ops.coverage (source, stream, day, window_id, pulled_at)
        SELECT s.source, s.stream, d::date, 1, now()
        FROM ref.streams s CROSS JOIN LATERAL generate_series(s.history_from, current_date, interval '1 day') d
        WHERE NOT (s.source = 'insp' AND d = make_date(@y, 1, 1));
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT source, stream, day, unit_code, category, measure, value, now(), 1 FROM (VALUES
            ('oa',   'docs',     make_date(@b, 1, 1),   'V1', 'document.formal',   'count', 10),
            ('oa',   'docs',     make_date(@b, 1, 1),   'V2', 'document.formal',   'count',  6),
            ('oa',   'docs',     make_date(@b, 12, 31), 'V1', 'document.formal',   'count', 100),
            ('oa',   'docs',     make_date(@y, 1, 1),   'V1', 'document.formal',   'count',  4),
            ('oa',   'docs',     current_date - 1,      'V2', 'document.formal',   'count',  2),
            ('oa',   'docs',     current_date,          'V1', 'document.formal',   'count', 50),
            ('insp', 'register', make_date(@b, 1, 2),   'V1', 'inspection.onsite', 'count',  5),
            ('insp', 'register', make_date(@y, 1, 2),   'V1', 'inspection.onsite', 'count',  1),
            ('meet', 'rooms',    make_date(@y, 1, 1),   'V1', 'meeting.offline',   'count',  3)
        ) AS f(source, stream, day, unit_code, category, measure, value)
        WHERE day <= current_date;
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        SELECT 'grid', 'apps', d::date, 'V1', 'digital_tool.app', 'active', CASE WHEN d < make_date(@y, 1, 1) THEN 3 ELSE 2 END, now(), 1
        FROM generate_series(make_date(@b, 1, 1), current_date, interval '1 day') d
        WHERE d < make_date(@b + 1, 1, 1) OR d >= make_date(@y, 1, 1);
        INSERT INTO facts.daily (source, stream, day, unit_code, category, measure, value, loaded_at, window_id)
        VALUES ('grid', 'apps', make_date(@y, 1, 1), 'V2', 'digital_tool.app', 'active', 4, now(), 1);
        SELECT marts.refresh_periods(make_date(@b, 1, 1), current_date, ARRAY(SELECT category FROM ref.categories));
        """;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateWarehouseAsync("ytd");
        await using var db = await OpenAsync(ConnectionString);
        await db.ExecuteAsync(Seed, new { y = Y, b = B });
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class YearToDateTests(YearToDateScenarioFixture scenario) : IClassFixture<YearToDateScenarioFixture>
{
    // A class with setters: Dapper binds a text[] column to a property, not to a constructor parameter.
    private sealed class Row
    {
        public string UnitCode { get; init; } = "";
        public string Category { get; init; } = "";
        public string Measure { get; init; } = "";
        public DateOnly PeriodStart { get; init; }
        public DateOnly ThroughDay { get; init; }
        public int Days { get; init; }
        public DateOnly BasePeriodStart { get; init; }
        public DateOnly BaseThroughDay { get; init; }
        public int BaseDays { get; init; }
        public decimal? Value { get; init; }
        public decimal? BaseValue { get; init; }
        public decimal? Reduction { get; init; }
        public decimal? Coverage { get; init; }
        public decimal? BaseCoverage { get; init; }
        public string[] MissingStreams { get; init; } = [];
        public string Status { get; init; } = "";
    }

    private const string Select = """
        SELECT unit_code AS UnitCode, category AS Category, measure AS Measure, period_start AS PeriodStart, through_day AS ThroughDay,
               days AS Days, base_period_start AS BasePeriodStart, base_through_day AS BaseThroughDay, base_days AS BaseDays,
               value AS Value, base_value AS BaseValue, reduction AS Reduction, coverage AS Coverage, base_coverage AS BaseCoverage,
               missing_streams AS MissingStreams, status AS Status
        FROM marts.year_to_date
        """;

    private async Task<List<Row>> RowsAsync(string unit, string role = "metrics_analyst")
    {
        await using var db = await OpenAsync(scenario.ConnectionString);
        await db.ExecuteAsync($"SET ROLE {role}");
        return (await db.QueryAsync<Row>(Select + " WHERE unit_code = @unit ORDER BY category, measure", new { unit })).ToList();
    }

    private static Row One(IEnumerable<Row> rows, string category, string measure = "count") =>
        rows.Single(r => r.Category == category && r.Measure == measure);

    [Fact]
    public async Task Flow_ThisYearThroughYesterday_AgainstTheSameDaysOfTheBaseYear()
    {
        var rows = await RowsAsync("T");
        if (scenario.SpanDays == 0)
        {
            Assert.Empty(rows); // 1 January: no day of this year is complete yet
            return;
        }
        var documents = One(rows, "document.formal");

        Assert.Equal((new DateOnly(scenario.Y, 1, 1), scenario.Yesterday, scenario.SpanDays), (documents.PeriodStart, documents.ThroughDay, documents.Days));
        Assert.Equal(new DateOnly(scenario.B, 1, 1), documents.BasePeriodStart);
        Assert.Equal(new DateOnly(scenario.B, scenario.Yesterday.Month, Math.Min(scenario.Yesterday.Day, DateTime.DaysInMonth(scenario.B, scenario.Yesterday.Month))),
            documents.BaseThroughDay);
        // 4 + 2 against 10 + 6 (not B-12-31's 100, after the base span; not today's 50, today is not over).
        Assert.Equal((6m, 16m, 0.625m, 1m, 1m, "ok"),
            (documents.Value, documents.BaseValue, documents.Reduction, documents.Coverage, documents.BaseCoverage, documents.Status));
        Assert.Equal(0.6m, One(await RowsAsync("V1"), "document.formal").Reduction);   // 4 against 10
        // The city rolls up its subtree like the township.
        Assert.Equal((6m, 16m), (One(await RowsAsync("C"), "document.formal").Value, One(await RowsAsync("C"), "document.formal").BaseValue));
    }

    [Fact]
    public async Task Stock_IsTheLevelOnTheLastCompleteDayAndTheMean_NeverASum()
    {
        var rows = await RowsAsync("T");
        if (scenario.SpanDays == 0) { Assert.Empty(rows); return; }
        var n = scenario.SpanDays;
        var level = One(rows, "digital_tool.app", "active");
        var mean = One(rows, "digital_tool.app", "active_mean");

        // Yesterday's level: V1's 2 (and V2's 4 when yesterday is 1 January); the base: 3 on its last day.
        var expectedLevel = n == 1 ? 6m : 2m;
        Assert.Equal((expectedLevel, 3m, "ok"), (level.Value, level.BaseValue, level.Status));
        Assert.Equal(Math.Round(1 - expectedLevel / 3m, 10), Math.Round(level.Reduction!.Value, 10));
        // Mean over the n complete days: (2n + 4) / n against 3.
        Assert.Equal(Math.Round((2m * n + 4) / n, 10), Math.Round(mean.Value!.Value, 10));
        Assert.Equal(3m, mean.BaseValue);
    }

    [Fact]
    public async Task CoverageBelowTheThreshold_OrNoBaseYear_WithholdsTheReductionAndSaysWhy()
    {
        var rows = await RowsAsync("V1");
        if (scenario.SpanDays == 0) { Assert.Empty(rows); return; }
        var n = scenario.SpanDays;

        // insp/register missed 1 January of this year: (n - 1) / n < 0.999.
        var inspections = One(rows, "inspection.onsite");
        Assert.Equal(("insufficient_coverage", (decimal?)null), (inspections.Status, inspections.Reduction));
        Assert.Equal(["insp/register"], inspections.MissingStreams);
        Assert.Equal(Math.Round((n - 1m) / n, 10), Math.Round(inspections.Coverage!.Value, 10));
        Assert.Equal(5m, inspections.BaseValue);
        // meet/rooms starts this year: nothing was expected in the base span.
        var meetings = One(rows, "meeting.offline");
        Assert.Equal(("no_base", (decimal?)null, (decimal?)null, 3m), (meetings.Status, meetings.BaseValue, meetings.Reduction, meetings.Value));
        Assert.Null(meetings.BaseCoverage);
    }

    [Fact]
    public async Task DashboardReadsIt_AndAQueryForOneUnitRollsUpOnlyThatSubtree()
    {
        Assert.NotNull(await RowsAsync("T", "metrics_dashboard"));
        await using var db = await OpenAsync(scenario.ConnectionString);
        var subtreeFacts = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM facts.daily WHERE unit_code = 'V2'");
        var allFacts = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM facts.daily");
        Assert.True(allFacts > 10 * subtreeFacts, $"the scenario must make the whole tree much larger than V2's subtree ({allFacts} vs {subtreeFacts})");

        var plan = await db.ExecuteScalarAsync<string>("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM marts.year_to_date WHERE unit_code = 'V2'");
        var aggregates = Nodes(JsonDocument.Parse(plan!).RootElement[0].GetProperty("Plan"))
            .Where(p => p.TryGetProperty("Group Key", out var key) && key.EnumerateArray().Any(k => k.GetString()!.Contains("ancestor_code", StringComparison.Ordinal)))
            .ToList();
        var rollUp = Assert.Single(aggregates);
        // The rows aggregated are V2's facts in the two spans, not the tree's.
        var input = rollUp.GetProperty("Plans").EnumerateArray().Sum(child => child.GetProperty("Actual Rows").GetDouble() * child.GetProperty("Actual Loops").GetDouble());
        Assert.True(input <= subtreeFacts, $"the roll-up aggregated {input} rows for V2, whose subtree has {subtreeFacts} facts in all:\n{plan}");
    }

    [Theory]
    [InlineData("2024-02-29", 2023, "2023-02-28")]
    [InlineData("2024-02-29", 2020, "2020-02-29")]
    [InlineData("2023-02-28", 2024, "2024-02-28")]
    [InlineData("2025-12-31", 2024, "2024-12-31")]
    public async Task SameDayInYear_MapsTheLeapDayToTheEndOfFebruary(string day, int year, string expected)
    {
        await using var db = await OpenAsync(scenario.ConnectionString);
        Assert.Equal(DateOnly.Parse(expected), await db.ExecuteScalarAsync<DateOnly>(
            "SELECT marts.same_day_in_year(@day::date, @year)", new { day, year }));
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray())
                foreach (var descendant in Nodes(child))
                    yield return descendant;
    }
}
