using MetricsPipeline.Sources;

namespace MetricsPipeline.Tests.Unit.Sources;

public sealed class MeasureExpressionTests
{
    [Theory]
    [InlineData("*", "1")]
    [InlineData("pages", "\"pages\"")]
    [InlineData("minutes * attendees", "(\"minutes\" * \"attendees\")")]
    [InlineData("(a + b) * 2", "((\"a\" + \"b\") * 2)")]
    [InlineData("a + b * c", "(\"a\" + (\"b\" * \"c\"))")]
    [InlineData("-a + 1.5", "((-\"a\") + 1.5)")]
    [InlineData("a / b", "(CAST(\"a\" AS numeric) / NULLIF(\"b\", 0))")]
    public void Parse_AllowedExpression_RendersQuotedPostgres(string text, string expected)
    {
        Assert.Equal(expected, MeasureExpression.Parse(text).Render(PostgresDialect.Instance));
    }

    [Theory]
    [InlineData("pages; DROP TABLE x", "';'")]
    [InlineData("(SELECT 1)", "keyword")]
    [InlineData("max(pages)", "function calls")]
    [InlineData("pg_sleep(10)", "function calls")]
    [InlineData("pages /* comment */", "'*' is not allowed")]
    [InlineData("'text'", "'''")]
    [InlineData("t.pages", "qualified")]
    [InlineData("a +", "ends too early")]
    [InlineData("(a", "missing ')'")]
    [InlineData("", "empty")]
    [InlineData("a b", "unexpected 'b'")]
    public void Parse_ForbiddenExpression_IsRefusedWithReason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => MeasureExpression.Parse(text));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Parse_DoubleDash_IsArithmeticNeverAComment()
    {
        // Rendered from the parsed tree, "--" can never reach the source as a comment.
        Assert.Equal("(\"pages\" - (-\"comment\"))", MeasureExpression.Parse("pages -- comment").Render(PostgresDialect.Instance));
    }

    [Fact]
    public void Columns_ListsEveryColumnRead()
    {
        Assert.Equal(["minutes", "attendees"], MeasureExpression.Parse("minutes * attendees + 0").Columns);
    }
}
