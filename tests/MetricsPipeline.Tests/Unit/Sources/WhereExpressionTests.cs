using MetricsPipeline.Sources;

namespace MetricsPipeline.Tests.Unit.Sources;

public sealed class WhereExpressionTests
{
    [Theory]
    [InlineData("deleted = false", "(\"deleted\" = FALSE)")]
    [InlineData("status <> 'cancelled'", "(\"status\" <> 'cancelled')")]
    [InlineData("status != 'x'", "(\"status\" <> 'x')")]
    [InlineData("a = 1 AND b = 2 OR c = 3", "(((\"a\" = 1) AND (\"b\" = 2)) OR (\"c\" = 3))")]
    [InlineData("a = 1 AND (b = 2 OR c = 3)", "((\"a\" = 1) AND ((\"b\" = 2) OR (\"c\" = 3)))")]
    [InlineData("NOT deleted", "(NOT \"deleted\")")]
    [InlineData("not (a > 1)", "(NOT (\"a\" > 1))")]
    [InlineData("kind IN ('A', 'B', 'C')", "(\"kind\" IN ('A', 'B', 'C'))")]
    [InlineData("kind not in (1, 2)", "(\"kind\" NOT IN (1, 2))")]
    [InlineData("unit_code IS NULL", "(\"unit_code\" IS NULL)")]
    [InlineData("unit_code is not null", "(\"unit_code\" IS NOT NULL)")]
    [InlineData("title LIKE '%通知%'", "(\"title\" LIKE '%通知%')")]
    [InlineData("title NOT LIKE 'x_%'", "(\"title\" NOT LIKE 'x_%')")]
    [InlineData("pages BETWEEN 1 AND 10 AND deleted = 0", "((\"pages\" BETWEEN 1 AND 10) AND (\"deleted\" = 0))")]
    [InlineData("lower(trim(status)) = 'ok'", "(lower(trim(\"status\")) = 'ok')")]
    [InlineData("COALESCE(deleted, 0) = 0", "(coalesce(\"deleted\", 0) = 0)")]
    [InlineData("nullif(kind, '') IS NOT NULL", "(nullif(\"kind\", '') IS NOT NULL)")]
    [InlineData("pages * 2 + 1 >= -3.5", "(((\"pages\" * 2) + 1) >= (-3.5))")]
    [InlineData("a - -1 > 0", "((\"a\" - (-1)) > 0)")]
    [InlineData("note = 'it''s'", "(\"note\" = 'it''s')")]
    [InlineData("状态 = '有效'", "(\"状态\" = '有效')")]
    public void Parse_AllowedWhere_RendersQuotedAndParenthesised(string text, string expected)
    {
        Assert.Equal(expected, WhereExpression.Parse(text).Render(PostgresDialect.Instance));
    }

    [Fact]
    public void Render_QuotesIdentifiersAndLiteralsPerDialect()
    {
        var where = WhereExpression.Parse(@"status = 'a\b' AND pages / 2 > 1");
        Assert.Equal(@"((`status` = 'a\\b') AND ((CAST(`pages` AS DECIMAL(38, 10)) / NULLIF(2, 0)) > 1))", where.Render(MySqlDialect.Instance));
        Assert.Equal(@"((""status"" = 'a\b') AND ((CAST(""pages"" AS REAL) / NULLIF(2, 0)) > 1))", where.Render(SqliteDialect.Instance));
    }

    [Fact]
    public void Parse_BuildsTheTreeTheGrammarSays()
    {
        Assert.Equal(
            new WhereExpression.Logical("OR",
                new WhereExpression.In(new WhereExpression.Column("kind"), [new WhereExpression.Text("A"), new WhereExpression.Number(2)], Negated: false),
                new WhereExpression.IsNull(new WhereExpression.Function("lower", [new WhereExpression.Column("x")]), Negated: true)),
            WhereExpression.Parse("kind IN ('A', 2) OR LOWER(x) IS NOT NULL"));
    }

    [Theory]
    [InlineData("deleted = false AND dblink_exec('dbname=oa', 'DELETE FROM oa.documents') = 'DELETE 0'", "function 'dblink_exec' is not allowed")]
    [InlineData("pg_sleep(10) IS NOT NULL", "function 'pg_sleep' is not allowed")]
    [InlineData("current_query() LIKE 'x'", "function 'current_query' is not allowed")]
    [InlineData("sleep(5) = 0", "function 'sleep' is not allowed")]
    [InlineData("lo_import('/etc/passwd') > 0", "function 'lo_import' is not allowed")]
    [InlineData("unit_code IN (SELECT code FROM units)", "'SELECT' is an SQL keyword")]
    [InlineData("EXISTS (SELECT 1)", "'EXISTS' is an SQL keyword")]
    [InlineData("deleted = false; DROP TABLE oa.documents", "';' is not allowed")]
    [InlineData("deleted = false -- and more", "comments are not allowed")]
    [InlineData("deleted = false /* x */", "comments are not allowed")]
    [InlineData("deleted = false # x", "comments are not allowed")]
    [InlineData("\"deleted\" = false", "'\"' is not allowed")]
    [InlineData("`deleted` = 0", "'`' is not allowed")]
    [InlineData("t.deleted = false", "qualified names")]
    [InlineData("CAST(pages AS text) = '1'", "'CAST' is an SQL keyword")]
    [InlineData("pages::text = '1'", "':' is not allowed")]
    [InlineData("status = $1", "'$' is not allowed")]
    [InlineData("status = @p", "'@' is not allowed")]
    [InlineData("a || b = 'x'", "'|' is not allowed")]
    [InlineData("status = 'open", "unterminated text literal")]
    [InlineData("status = 'a\u0000b'", "control character U+0000")]
    [InlineData("lower(a, b) = 'x'", "lower takes 1 argument(s), not 2")]
    [InlineData("coalesce(a) = 1", "coalesce takes 2 to 16 argument(s), not 1")]
    [InlineData("a IS TRUE", "only IS NULL and IS NOT NULL")]
    [InlineData("a IN 1", "IN needs a parenthesised list")]
    [InlineData("a BETWEEN 1 OR 2", "BETWEEN needs AND")]
    [InlineData("a NOT = 1", "NOT here must be followed by IN, LIKE or BETWEEN")]
    [InlineData("(a = 1", "missing ')'")]
    [InlineData("a =", "ends too early")]
    [InlineData("a = 1 b", "unexpected 'b'")]
    [InlineData("1.2.3 = a", "'1.2.3' is not a number")]
    public void Parse_ForbiddenWhere_IsRefusedWithReason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => WhereExpression.Parse(text));
        Assert.Contains(reason, error.Message);
        Assert.Contains("at position", error.Message);
    }

    [Fact]
    public void Parse_EmptyWhere_IsRefused()
    {
        var error = Assert.Throws<FormatException>(() => WhereExpression.Parse("   "));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Parse_DeepNesting_IsRefusedInsteadOfOverflowingTheStack()
    {
        var text = new string('(', 500) + "a = 1" + new string(')', 500);
        var error = Assert.Throws<FormatException>(() => WhereExpression.Parse(text));
        Assert.Contains("nested more than", error.Message);
    }
}
