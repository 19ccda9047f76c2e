using Dapper;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

/// <summary>marts.indicators and the views built on it, read from the scenario in <see cref="IndicatorScenario"/>.</summary>
public sealed class IndicatorViewTests(IndicatorScenarioFixture scenario) : IClassFixture<IndicatorScenarioFixture>
{
    private static readonly DateTime March2023 = new(2023, 3, 1);
    private static readonly DateTime Year2023 = new(2023, 1, 1);

    [Fact]
    public async Task Indicators_Month_ReductionAgainstSameMonthOfBaseYear()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var row = await IndicatorAsync(db, "T", "document.formal", "month", March2023);

        Assert.Equal("ok", row.Status);
        Assert.Equal(new DateTime(2021, 3, 1), row.BasePeriodStart);
        Assert.Equal(12m, row.Value);       // V1 8 + V2 2 + T 2
        Assert.Equal(20m, row.BaseValue);   // March 2021: V1 10 + V2 6 + V3 4
        Assert.Equal(0.4m, row.Reduction);  // 1 - 12 / 20
    }

    [Fact]
    public async Task Indicators_Year_ReductionAgainstBaseYear()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var row = await IndicatorAsync(db, "T", "document.formal", "year", Year2023);

        Assert.Equal("ok", row.Status);
        Assert.Equal(18m, row.Value);       // Feb 6 + Mar 12
        Assert.Equal(40m, row.BaseValue);   // 2021: 10 + 6 + 4 + 20
        Assert.Equal(0.55m, row.Reduction); // 1 - 18 / 40
    }

    [Fact]
    public async Task Indicators_YearOverYear_ComparesWithSamePeriodOneYearEarlier()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var march = await IndicatorAsync(db, "T", "document.formal", "month", March2023);
        Assert.Equal(16m, march.PriorYearValue);   // March 2022: V1 8 + V2 8
        Assert.Equal(-0.25m, march.YoyChange);     // 12 / 16 - 1

        var v1Year = await IndicatorAsync(db, "V1", "document.formal", "year", Year2023);
        Assert.Equal(14m, v1Year.Value);           // 6 + 8
        Assert.Equal(16m, v1Year.PriorYearValue);  // 2022: 8 + 8
        Assert.Equal(-0.125m, v1Year.YoyChange);   // 14 / 16 - 1

        // V1 2022 had no July documents (0): a change against zero is undefined, not infinite.
        var v1July = await IndicatorAsync(db, "V1", "document.formal", "month", new DateTime(2023, 7, 1));
        Assert.Equal(0m, v1July.PriorYearValue);
        Assert.Null(v1July.YoyChange);
    }

    [Fact]
    public async Task Indicators_MonthOverMonth_ComparesWithPreviousMonth()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var t = await IndicatorAsync(db, "T", "document.formal", "month", March2023);
        Assert.Equal(6m, t.PriorMonthValue);   // February 2023: V1 6
        Assert.Equal(1m, t.MomChange);         // 12 / 6 - 1

        var v2 = await IndicatorAsync(db, "V2", "document.formal", "month", March2023);
        Assert.Equal(0m, v2.PriorMonthValue);  // V2 had nothing in February
        Assert.Null(v2.MomChange);             // 2 / 0: undefined

        var year = await IndicatorAsync(db, "T", "document.formal", "year", Year2023);
        Assert.Null(year.PriorMonthValue);     // months only
        Assert.Null(year.MomChange);
    }

    [Fact]
    public async Task Indicators_FamilyPatternTarget_GivesAttainmentAndWhetherMet()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var year = await IndicatorAsync(db, "T", "document.formal", "year", Year2023);
        Assert.Equal("document.*", year.TargetCategoryPattern);
        Assert.Equal("National notice", year.TargetSource);
        Assert.Equal(0.5m, year.TargetReduction);
        Assert.Equal(1.1m, year.Attainment);   // 0.55 / 0.5
        Assert.True(year.TargetMet);           // 0.55 >= 0.5

        var march = await IndicatorAsync(db, "T", "document.formal", "month", March2023);
        Assert.Equal(0.8m, march.Attainment);  // 0.4 / 0.5
        Assert.False(march.TargetMet);         // 0.4 < 0.5
    }

    [Fact]
    public async Task Indicators_TargetScopedToUnitWithExactCategory_WinsOverGlobalFamilyTarget()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var v2 = await IndicatorAsync(db, "V2", "document.formal", "year", Year2023);

        Assert.Equal("document.formal", v2.TargetCategoryPattern);
        Assert.Equal("Village Two pledge", v2.TargetSource);
        Assert.Equal(0.2m, v2.TargetReduction);
        // value 2 (03-12), base 6 (2021-03-15): reduction 1 - 2/6 = 0.666667; attainment 0.666667 / 0.2 = 3.333333
        Assert.Equal(0.666667m, Math.Round(v2.Reduction!.Value, 6));
        Assert.Equal(3.333333m, Math.Round(v2.Attainment!.Value, 6));
        Assert.True(v2.TargetMet);
        // Its sibling V1 only has the global family target.
        var v1 = await IndicatorAsync(db, "V1", "document.formal", "year", Year2023);
        Assert.Equal(0.5m, v1.TargetReduction);
    }

    [Fact]
    public async Task Indicators_BasePeriodNotCovered_StatusNoBase()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // meet/rooms is only expected from 2022-01-01: March 2021 has no covered data.
        var row = await IndicatorAsync(db, "V1", "meeting.offline", "month", March2023);

        Assert.Equal("no_base", row.Status);
        Assert.Equal(4m, row.Value);
        Assert.Null(row.BaseValue);
        Assert.Null(row.BaseCoverage);
        Assert.Null(row.Reduction);
        Assert.Null(row.Attainment);
    }

    [Fact]
    public async Task Indicators_BaseCoveredButZero_StatusBaseZeroAndNoReduction()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        // chk/app was pulled every day of March 2021 and there were no check-ins: base 0.
        var row = await IndicatorAsync(db, "V1", "check_in", "month", March2023);

        Assert.Equal("base_zero", row.Status);
        Assert.Equal(7m, row.Value);
        Assert.Equal(0m, row.BaseValue);
        Assert.Equal(1m, row.BaseCoverage);
        Assert.Null(row.Reduction);   // 1 - 7 / 0: undefined, not -infinity
    }

    [Fact]
    public async Task Indicators_CoverageBelowThreshold_StatusInsufficientCoverageNamingTheStream()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var march = await IndicatorAsync(db, "V1", "inspection.onsite", "month", March2023);

        Assert.Equal("insufficient_coverage", march.Status);
        // (62 - 5) / 62 = 57 / 62 = 0.919 < 0.95
        Assert.Equal(Math.Round(57m / 62m, 10), Math.Round(march.Coverage!.Value, 10));
        Assert.Equal(["insp/register"], march.MissingStreams);
        Assert.Equal(2m, march.Value);       // still shown
        Assert.Equal(4m, march.BaseValue);
        Assert.Null(march.Reduction);

        // Over the whole year the 5 missing days weigh less: (730 - 5) / 730 = 0.993 >= 0.95.
        var year = await IndicatorAsync(db, "V1", "inspection.onsite", "year", Year2023);
        Assert.Equal("ok", year.Status);
        Assert.Equal(0.5m, year.Reduction);  // 1 - 2 / 4
    }

    [Fact]
    public async Task Indicators_CurrentMonth_StatusIncompletePeriodWithoutReduction()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);
        var currentMonth = await db.ExecuteScalarAsync<DateTime>("SELECT date_trunc('month', current_date)::date");

        var row = await IndicatorAsync(db, "V1", "document.formal", "month", currentMonth);

        Assert.Equal("incomplete_period", row.Status);
        Assert.Equal(3m, row.Value);             // today's 3 documents
        Assert.Null(row.Reduction);
        Assert.Null(row.Attainment);
        Assert.Null(row.TargetMet);
        Assert.Null(row.MomChange);
        Assert.Equal(0.5m, row.TargetReduction); // the target is still shown
    }

    [Fact]
    public async Task Indicators_PerFte_DividesByHeadcountAndIsNullWhenHeadcountIsZero()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var v1 = await IndicatorAsync(db, "V1", "document.formal", "year", Year2023);
        Assert.Equal(3.5m, v1.PerFte);           // 14 / 4

        var v2 = await IndicatorAsync(db, "V2", "document.formal", "year", Year2023);
        Assert.Equal(2m, v2.Value);
        Assert.Null(v2.PerFte);                  // headcount 0

        var t = await IndicatorAsync(db, "T", "document.formal", "year", Year2023);
        Assert.Equal(3.6m, t.PerFte);            // 18 / 5 (the township's own staff)
        Assert.Equal(9, t.SubtreeHeadcount);     // 5 + 4 + 0; inactive V3 excluded
        Assert.Equal(2m, t.PerFteSubtree);       // 18 / 9
    }

    [Fact]
    public async Task YearlyAndMonthlyViews_HoldOnlyTheirPeriodKind()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var yearly = await db.QuerySingleAsync<(long Rows, decimal Reduction)>("""
            SELECT count(*) OVER (), reduction FROM marts.yearly_indicators
            WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count' AND period_start = '2023-01-01'
            """);
        Assert.Equal(0.55m, yearly.Reduction);
        // 2023 months for the township: one row per month, Jan .. Dec.
        var months2023 = await db.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM marts.monthly_indicators
            WHERE unit_code = 'T' AND category = 'document.formal' AND measure = 'count'
              AND period_start BETWEEN '2023-01-01' AND '2023-12-31'
            """);
        Assert.Equal(12, months2023);
        var mixed = await db.ExecuteScalarAsync<long>("""
            SELECT (SELECT count(*) FROM marts.yearly_indicators WHERE period_start <> date_trunc('year', period_start))
                 + (SELECT count(*) FROM marts.monthly_indicators WHERE period_end - period_start > 31)
            """);
        Assert.Equal(0, mixed);
    }

    [Fact]
    public async Task IndicatorFreshness_ReportsLastComputedAtPerCategory()
    {
        await using var db = await OpenAsync(scenario.ConnectionString);

        var documents = await db.QuerySingleAsync<(DateTime? LastComputedAt, DateTime? LastCoveredDay, bool IsToday)>("""
            SELECT last_computed_at, last_covered_day, last_covered_day = current_date
            FROM marts.indicator_freshness WHERE category = 'document.formal'
            """);
        Assert.NotNull(documents.LastComputedAt);
        Assert.True(documents.IsToday);   // oa/docs and oa2/notices are pulled through today

        var apps = await db.QuerySingleAsync<DateTime?>(
            "SELECT last_covered_day FROM marts.indicator_freshness WHERE category = 'digital_tool.app'");
        Assert.Equal(new DateTime(2023, 12, 31), apps);

        var neverRefreshed = await db.QuerySingleAsync<DateTime?>(
            "SELECT last_computed_at FROM marts.indicator_freshness WHERE category = 'task.issued'");
        Assert.Null(neverRefreshed);
    }
}
