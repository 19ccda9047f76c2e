using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Tests.Unit.Normalize;

public sealed class GroupClassifierTests
{
    private static readonly StreamPlan Stream = new("s", "docs", SqlIdentifier.ParseTable("docs"), null, SqlIdentifier.ParseColumn("ts"),
        TimestampKind.Utc, SqlIdentifier.ParseColumn("unit"), SqlIdentifier.ParseColumn("kind"), null,
        [new MeasurePlan("count", new MeasureExpression.RowCount())], new Dictionary<string, string> { ["RED"] = "document.formal" });

    private static readonly GroupClassifier Classifier = new(Stream, new HashSet<string> { "T01" });
    private static readonly DateOnly Day = new(2025, 3, 1);

    [Theory]
    [InlineData(null, "RED", null, "null_unit", null)]
    [InlineData("", "RED", null, "null_unit", null)]
    [InlineData("X999", "RED", null, "unknown_unit", null)]
    [InlineData("T01", "GREEN", null, "unmapped_code", null)]
    [InlineData("T01", null, null, "unmapped_code", null)]
    [InlineData("T01", "RED", "future_timestamp", "future_timestamp", null)]
    [InlineData("T01", "RED", "null_measure:pages", "null_measure", "pages")]
    [InlineData("X999", "GREEN", "negative_measure:pages", "negative_measure", "pages")]
    public void Classify_ProblemGroup_GoesToQuarantineWithReason(string? unit, string? code, string? problem, string reason, string? detail)
    {
        var result = Classifier.Classify(new SourceGroup(unit, code, Day, problem, 3, []));
        Assert.False(result.IsFact);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(detail, result.Detail);
        Assert.Equal(3, result.RowCount);
    }

    [Fact]
    public void Classify_KnownUnitMappedCode_IsFactWithCategory()
    {
        var result = Classifier.Classify(new SourceGroup("T01", "RED", Day, null, 5, []));
        Assert.True(result.IsFact);
        Assert.Equal("document.formal", result.Category);
    }
}
