using MetricsPipeline.Warehouse.Dictionary;

namespace MetricsPipeline.Tests.Unit.Warehouse;

public sealed class ColumnUnitTests
{
    [Theory]
    [InlineData("numeric", "R = 1 - value / base_value. Fraction: 0.30 = 30% fewer than the base, negative = more.", "比例 fraction (0.30 = 30%)")]
    [InlineData("numeric", "Sum of the measure over the day's events. Unit: the measure's own (events, pages, minutes ...).", "the measure's own (events, pages, minutes ...)")]
    [InlineData("numeric", "Stocks: mean number of items in use over the complete days. Items. NULL for flows.", "项 items")]
    [InlineData("integer", "Missing days in the run. Days.", "天 days")]
    [InlineData("numeric", "hours / subtree_headcount: hours per FTE. NULL when the headcount is 0.", "每全时当量 per FTE")]
    [InlineData("numeric", "100 x weighted hours / weighted base hours: index, base period = 100 (70 = 30% less).", "指数 index (base = 100)")]
    [InlineData("timestamp with time zone", "When the value was computed.", "UTC 时间 UTC time")]
    [InlineData("date", "First day of the period.", "本地日 local day")]
    public void From_ReadsTheUnitTheCommentStates(string type, string comment, string unit) =>
        Assert.Equal(unit, ColumnUnit.From("value", type, comment));

    [Theory]
    [InlineData("text", "Unit (ref.units.code); hours include all its descendants.")]
    [InlineData("boolean", "True when every stream was pulled for 30 days.")]
    [InlineData("numeric", null)]
    [InlineData("bigint", "ops.windows row that last wrote this value.")]
    [InlineData("integer", "Levels between the two units: 0 = same unit, 1 = child, 2 = grandchild ...")]
    public void From_NamesAndFlagsAndUnstatedNumbers_HaveNoUnit(string type, string? comment) =>
        Assert.Null(ColumnUnit.From("value", type, comment));

    [Fact]
    public void From_AnIdentifier_HasNoUnitWhateverItsCommentMentions() =>
        Assert.Null(ColumnUnit.From("window_id", "bigint", "ops.windows row of the latest pull that kept the rows in quarantine."));
}
