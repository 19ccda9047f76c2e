using MetricsPipeline.Configuration;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Tests.Unit.Sources;

public sealed class AggregationQueryBuilderTests
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static StreamPlan Stream(TimestampKind kind, string? where = "deleted = false") => new("county-oa", "documents",
        SqlIdentifier.ParseTable("oa.documents"), where is null ? null : WhereExpression.Parse(where), SqlIdentifier.ParseColumn("issued_at"), kind,
        SqlIdentifier.ParseColumn("unit_code"), SqlIdentifier.ParseColumn("doc_kind"), null,
        [new MeasurePlan("count", MeasureExpression.Parse("*")), new MeasurePlan("pages", MeasureExpression.Parse("pages"))],
        new Dictionary<string, string> { ["RED"] = "document.formal" });

    private static AggregationQuery Build(TimestampKind kind, SourceWindow window, ISqlDialect? dialect = null)
    {
        var bounds = WindowBounds.For(window, kind, Beijing, new DateOnly(2024, 1, 1), DateTimeOffset.UtcNow);
        return AggregationQueryBuilder.Build(Stream(kind), dialect ?? PostgresDialect.Instance, window, bounds, Beijing);
    }

    [Fact]
    public void Build_Postgres_GroupsByUnitCodeDayAndProblemAtTheSource()
    {
        var query = Build(TimestampKind.Utc, new SourceWindow(new(2025, 3, 1), new(2025, 3, 31), false, false));

        Assert.EndsWith("GROUP BY unit_code, source_code, day, problem", query.GroupSql);
        Assert.Contains("FROM \"oa\".\"documents\" WHERE (\"deleted\" = FALSE) AND CAST(\"issued_at\" AS timestamptz) >= @lower AND CAST(\"issued_at\" AS timestamptz) < @upper", query.GroupSql);
        Assert.Contains("CAST((ts) AT TIME ZONE 'Asia/Shanghai' AS date)", query.GroupSql);
        Assert.Contains("sum(m0) AS m0", query.GroupSql);
        Assert.Equal(["pages"], query.ValueMeasures);
        Assert.DoesNotContain("@now", query.GroupSql); // a closed window has no future rows to flag
    }

    [Fact]
    public void Build_CountUsesExactlyTheSameFilter()
    {
        var query = Build(TimestampKind.Utc, new SourceWindow(new(2025, 3, 1), new(2025, 3, 31), false, true));
        var filter = query.CountSql[query.CountSql.IndexOf(" WHERE ", StringComparison.Ordinal)..];
        Assert.Contains(filter, query.GroupSql);
    }

    [Fact]
    public void Build_OpenEnds_FlagFutureAndBeforeHistoryRowsAndOwnUndatedRows()
    {
        var query = Build(TimestampKind.Utc, new SourceWindow(new(2024, 1, 1), new(2024, 1, 31), true, false));
        Assert.Contains("WHEN ts < @history_lower THEN 'before_history_start'", query.GroupSql);
        Assert.Contains("< @upper", query.CountSql);
        Assert.DoesNotContain(">= @lower", query.CountSql);

        var open = Build(TimestampKind.Utc, new SourceWindow(new(2025, 3, 1), new(2025, 3, 5), false, true));
        Assert.Contains("WHEN ts > @now OR ts >= @upper THEN 'future_timestamp'", open.GroupSql);
        Assert.Contains("\"issued_at\" IS NULL", open.CountSql);
    }

    [Fact]
    public void Build_LocalKind_ComparesWallTimesAndTakesTheWallDate()
    {
        var query = Build(TimestampKind.Local, new SourceWindow(new(2025, 3, 1), new(2025, 3, 31), false, false));
        Assert.Contains("CAST(\"issued_at\" AS timestamp) >= @lower", query.GroupSql);
        Assert.Contains("CAST(ts AS date)", query.GroupSql);
        Assert.Equal(new DateTime(2025, 3, 1), query.Bounds.Lower);
        Assert.Equal(new DateTime(2025, 4, 1), query.Bounds.Upper);
    }

    [Fact]
    public void Build_UtcKind_BoundsAreBeijingMidnightsInUtc()
    {
        var query = Build(TimestampKind.Utc, new SourceWindow(new(2025, 3, 1), new(2025, 3, 31), false, false));
        Assert.Equal(new DateTime(2025, 2, 28, 16, 0, 0, DateTimeKind.Utc), query.Bounds.Lower);
        Assert.Equal(new DateTime(2025, 3, 31, 16, 0, 0, DateTimeKind.Utc), query.Bounds.Upper);
    }

    [Fact]
    public void Build_Sqlite_UsesTheRegisteredTimeFunctions()
    {
        var query = Build(TimestampKind.Offset, new SourceWindow(new(2025, 3, 1), new(2025, 3, 31), false, false), SqliteDialect.Instance);
        Assert.Contains("mp_instant(\"issued_at\") >= @lower", query.GroupSql);
        Assert.Contains("mp_day(ts)", query.GroupSql);
    }

    [Fact]
    public void Build_SqliteClosedWindow_PrefiltersIsoTextByDateWithAMargin_OpenWindowDoesNot()
    {
        var closed = Build(TimestampKind.Local, new SourceWindow(new(2025, 3, 1), new(2025, 3, 31), false, false), SqliteDialect.Instance);
        Assert.Contains("substr(\"issued_at\", 1, 10) BETWEEN '2025-02-26' AND '2025-04-03'", closed.CountSql);
        Assert.Contains("NOT GLOB", closed.CountSql);

        var open = Build(TimestampKind.Local, new SourceWindow(new(2025, 3, 1), new(2025, 3, 31), false, true), SqliteDialect.Instance);
        Assert.DoesNotContain("substr", open.CountSql);
    }

    [Fact]
    public void Build_MeasuresGetNullAndNegativeChecks()
    {
        var query = Build(TimestampKind.Utc, new SourceWindow(new(2025, 3, 1), new(2025, 3, 31), false, false));
        Assert.Contains("WHEN m0 IS NULL THEN 'null_measure:pages'", query.GroupSql);
        Assert.Contains("WHEN m0 < 0 THEN 'negative_measure:pages'", query.GroupSql);
    }
}
