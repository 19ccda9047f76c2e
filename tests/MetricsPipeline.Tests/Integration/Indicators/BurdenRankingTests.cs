using Dapper;
using Npgsql;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>
/// marts.burden_ranking is marts.burden_hours_by_unit filtered to one level (and one subtree) and ranked,
/// computed for those units only: row for row the same as the view, on <see cref="AnalystScenarioFixture"/>
/// (county K with townships T1, T2, T3) and <see cref="BurdenScenarioFixture"/>.
/// </summary>
public sealed class BurdenRankingTests(AnalystScenarioFixture analyst, BurdenScenarioFixture burden)
    : IClassFixture<AnalystScenarioFixture>, IClassFixture<BurdenScenarioFixture>
{
    private const string FromFunction = """
        SELECT rank, unit_code, unit_name, hours, subtree_headcount, hours_per_fte, share_of_working_time,
               burden_index, reduction, status, status_label_zh, status_label_en
        FROM marts.burden_ranking(@kind, @start::date, @level, @within)
        """;

    private const string FromView = """
        SELECT rank() OVER (ORDER BY b.hours_per_fte DESC NULLS LAST) AS rank,
               b.unit_code, b.unit_name, b.hours, b.subtree_headcount, b.hours_per_fte, b.share_of_working_time,
               b.burden_index, b.reduction, b.status, b.status_label_zh, b.status_label_en
        FROM marts.burden_hours_by_unit b
        WHERE b.unit_level = @level AND b.period_kind = @kind AND b.period_start = @start::date
          AND (@within::text IS NULL OR EXISTS (SELECT 1 FROM marts.unit_tree t
                                                WHERE t.ancestor_code = @within AND t.descendant_code = b.unit_code))
        ORDER BY 1, 2
        """;

    private static async Task<List<string>> RowsAsync(NpgsqlConnection db, string sql, object args) =>
        (await db.QueryAsync(sql, args)).Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values)).ToList();

    public static TheoryData<string, string, string?, int> Rankings => new()
    {
        // kind, level, within, year offset from today (-1: last year)
        { "year", "township", null, -1 },
        { "year", "township", "K", -1 },
        { "quarter", "township", "K", -1 },
        { "month", "village", null, -2 },
        { "year", "county", "C", -1 },
        { "year", "township", "T1", -1 },
    };

    [Theory]
    [MemberData(nameof(Rankings))]
    public async Task Ranking_EqualsTheViewFilteredAndRanked(string kind, string level, string? within, int yearOffset)
    {
        await using var db = await OpenAsync(analyst.ConnectionString);
        var start = new DateTime(DateTime.Today.Year + yearOffset, kind == "quarter" ? 4 : 1, 1);
        var args = new { kind, level, within, start };

        var expected = await RowsAsync(db, FromView, args);
        var actual = await RowsAsync(db, FromFunction, args);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Ranking_OnTheBurdenScenario_RanksVillagesByHoursPerFte()
    {
        await using var db = await OpenAsync(burden.ConnectionString);
        var rows = (await db.QueryAsync<(long Rank, string Unit, decimal Hours, decimal? PerFte)>(
            "SELECT rank, unit_code, hours, hours_per_fte FROM marts.burden_ranking('year', '2022-01-01', 'village')")).ToList();

        // 2022: V1 meetings 10 h + apps 73 h = 83 h over 5 FTE; V2 documents 17 h over 5 FTE.
        Assert.Equal([(1L, "V1", 83m, 16.6m), (2L, "V2", 17m, 3.4m)],
                     rows.Select(r => (r.Rank, r.Unit, r.Hours, Math.Round(r.PerFte!.Value, 2))).ToList());
        var viaView = await RowsAsync(db, FromView, new { kind = "year", level = "village", within = (string?)null, start = new DateTime(2022, 1, 1) });
        Assert.Equal(viaView, await RowsAsync(db, FromFunction, new { kind = "year", level = "village", within = (string?)null, start = new DateTime(2022, 1, 1) }));
    }

    [Theory]
    [InlineData("fortnight", null, "period kind must be week, month, quarter or year")]
    [InlineData("year", "NOSUCH", "unit NOSUCH is not in ref.units")]
    public async Task Ranking_RefusesABadArgumentNamingIt(string kind, string? within, string message)
    {
        await using var db = await OpenAsync(analyst.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => db.QueryAsync(
            "SELECT * FROM marts.burden_ranking(@kind, '2024-01-01', 'township', @within)", new { kind, within }));
        Assert.Equal("22023", error.SqlState);
        Assert.Contains(message, error.MessageText);
    }

    [Theory]
    [InlineData("year", "2024-03-01", "township", "2024-03-01 is not the first day of a year")]
    [InlineData("week", "2024-01-03", "township", "2024-01-03 is not the first day of a week")]
    [InlineData("year", "2024-01-01", "townshp", "no unit has level townshp")]
    public async Task Ranking_RefusesAStartOrLevelThatWouldRankNothing(string kind, string start, string level, string message)
    {
        await using var db = await OpenAsync(analyst.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => db.QueryAsync(
            "SELECT * FROM marts.burden_ranking(@kind, @start::date, @level)", new { kind, start, level }));
        Assert.Equal("22023", error.SqlState);
        Assert.Contains(message, error.MessageText);
    }
}
