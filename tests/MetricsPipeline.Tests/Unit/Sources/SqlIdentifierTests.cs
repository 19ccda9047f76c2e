using MetricsPipeline.Sources;

namespace MetricsPipeline.Tests.Unit.Sources;

public sealed class SqlIdentifierTests
{
    [Theory]
    [InlineData("oa.documents", "\"oa\".\"documents\"")]
    [InlineData("documents", "\"documents\"")]
    [InlineData("公文", "\"公文\"")]
    public void ParseTable_ValidName_QuotesEachPart(string text, string expected)
    {
        Assert.Equal(expected, SqlIdentifier.ParseTable(text).Render(PostgresDialect.Instance));
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("docs; drop table x")]
    [InlineData("docs\"")]
    [InlineData("")]
    [InlineData("(select 1)")]
    public void ParseTable_InvalidName_Throws(string text)
    {
        Assert.Throws<FormatException>(() => SqlIdentifier.ParseTable(text));
    }

    [Fact]
    public void ParseColumn_Qualified_Throws()
    {
        Assert.Throws<FormatException>(() => SqlIdentifier.ParseColumn("t.col"));
    }
}
