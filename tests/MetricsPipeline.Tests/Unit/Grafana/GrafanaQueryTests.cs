using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Unit.Grafana;

/// <summary>The expansion the dashboard test relies on matches what Grafana's PostgreSQL data source sends.</summary>
public sealed class GrafanaQueryTests
{
    private static readonly DateTimeOffset From = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private static GrafanaQuery Query(params (string Name, string[] Values)[] variables) =>
        new(From, To, TimeSpan.FromMinutes(5), variables.ToDictionary(v => v.Name, v => (IReadOnlyList<string>)v.Values));

    [Fact]
    public void TimeFilter_BecomesBetweenTheRangeInUtc() =>
        Assert.Equal("WHERE finished_at BETWEEN '2025-01-01T00:00:00Z' AND '2025-01-02T00:00:00Z'",
            Query().Expand("WHERE $__timeFilter(finished_at)"));

    [Fact]
    public void TimeGroupAlias_WithTheDashboardInterval_BucketsByEpochSeconds() =>
        Assert.Equal("SELECT floor(extract(epoch from started_at)/300)*300 AS \"time\"",
            Query().Expand("SELECT $__timeGroupAlias(started_at, $__interval)"));

    [Fact]
    public void MultiValueVariable_AsSqlString_QuotesAndEscapesEachValue() =>
        Assert.Equal("source IN ('a','o''b')", Query(("source", ["a", "o'b"])).Expand("source IN (${source:sqlstring})"));

    [Fact]
    public void SingleValueVariable_InQuotes_IsInsertedRaw() =>
        Assert.Equal("unit_code = 'C01'", Query(("unit", ["C01"])).Expand("unit_code = '${unit}'"));

    [Fact]
    public void CustomVariable_TakesTheValueOfTextColonValueItems_AndPlainItemsAsTheyAre() =>
        Assert.Equal(["year", "quarter", "month", "week"], GrafanaQuery.CustomValues("年度 : year,季度 : quarter, 月度 : month ,week"));

    [Theory]
    [InlineData("WHERE $__timeRange(x)")]
    [InlineData("WHERE unit = $unknown")]
    [InlineData("WHERE x = ${x:json}")]
    public void UnknownMacroVariableOrFormat_Throws(string sql) =>
        Assert.Throws<NotSupportedException>(() => Query(("x", ["1"])).Expand(sql));
}
