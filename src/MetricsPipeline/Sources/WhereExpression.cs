using System.Globalization;

namespace MetricsPipeline.Sources;

/// <summary>
/// A stream's Where, parsed (<see cref="WhereParser"/>) and rendered again for the source's dialect. What is
/// sent to the source is never the operator's text but this tree's rendering: identifiers quoted by the dialect,
/// string literals re-quoted, every operation parenthesised. So a Where can only read: it has no way to call a
/// function outside <see cref="WhereFunctions"/>, to open a subquery, or to add a comment or a second statement.
/// </summary>
public abstract record WhereExpression
{
    public static WhereExpression Parse(string text) => WhereParser.Parse(text);

    public abstract string Render(ISqlDialect dialect);

    public sealed record Column(string Name) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => dialect.QuoteIdentifier(Name);
    }

    public sealed record Number(decimal Value) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => Value.ToString(CultureInfo.InvariantCulture);
    }

    public sealed record Text(string Value) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => dialect.Literal(Value);
    }

    /// <summary>TRUE, FALSE or NULL.</summary>
    public sealed record Constant(string Keyword) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => Keyword;
    }

    public sealed record Negate(WhereExpression Operand) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => $"(-{Operand.Render(dialect)})";
    }

    /// <summary>+ - * /; division goes through the dialect as in measures (decimal, NULL on zero).</summary>
    public sealed record Arithmetic(string Operator, WhereExpression Left, WhereExpression Right) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => Operator == "/"
            ? dialect.Divide(Left.Render(dialect), Right.Render(dialect))
            : $"({Left.Render(dialect)} {Operator} {Right.Render(dialect)})";
    }

    /// <summary>= &lt;&gt; &lt; &lt;= &gt; &gt;= (!= is rendered as &lt;&gt;).</summary>
    public sealed record Comparison(string Operator, WhereExpression Left, WhereExpression Right) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => $"({Left.Render(dialect)} {Operator} {Right.Render(dialect)})";
    }

    /// <summary>AND or OR.</summary>
    public sealed record Logical(string Operator, WhereExpression Left, WhereExpression Right) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => $"({Left.Render(dialect)} {Operator} {Right.Render(dialect)})";
    }

    public sealed record Not(WhereExpression Operand) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => $"(NOT {Operand.Render(dialect)})";
    }

    public sealed record IsNull(WhereExpression Operand, bool Negated) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) => $"({Operand.Render(dialect)} IS {(Negated ? "NOT " : "")}NULL)";
    }

    public sealed record In(WhereExpression Operand, IReadOnlyList<WhereExpression> Values, bool Negated) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) =>
            $"({Operand.Render(dialect)} {(Negated ? "NOT " : "")}IN ({string.Join(", ", Values.Select(v => v.Render(dialect)))}))";

        // Records compare lists by reference; the parser tests compare trees.
        public bool Equals(In? other) =>
            other is not null && Operand == other.Operand && Negated == other.Negated && Values.SequenceEqual(other.Values);

        public override int GetHashCode() => HashCode.Combine(Operand, Negated, Values.Count);
    }

    public sealed record Like(WhereExpression Operand, WhereExpression Pattern, bool Negated) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) =>
            $"({Operand.Render(dialect)} {(Negated ? "NOT " : "")}LIKE {Pattern.Render(dialect)})";
    }

    public sealed record Between(WhereExpression Operand, WhereExpression Low, WhereExpression High, bool Negated) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) =>
            $"({Operand.Render(dialect)} {(Negated ? "NOT " : "")}BETWEEN {Low.Render(dialect)} AND {High.Render(dialect)})";
    }

    /// <summary>A call of one of <see cref="WhereFunctions.Allowed"/>; the name is rendered from the list, not from the text.</summary>
    public sealed record Function(string Name, IReadOnlyList<WhereExpression> Arguments) : WhereExpression
    {
        public override string Render(ISqlDialect dialect) =>
            $"{Name}({string.Join(", ", Arguments.Select(a => a.Render(dialect)))})";

        public bool Equals(Function? other) => other is not null && Name == other.Name && Arguments.SequenceEqual(other.Arguments);

        public override int GetHashCode() => HashCode.Combine(Name, Arguments.Count);
    }
}

/// <summary>
/// The functions a Where may call: pure, deterministic, and spelled and behaving alike on PostgreSQL,
/// MySQL/MariaDB and SQLite. Name to (fewest, most) arguments.
/// </summary>
public static class WhereFunctions
{
    public static readonly IReadOnlyDictionary<string, (int Min, int Max)> Allowed = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["lower"] = (1, 1),
        ["upper"] = (1, 1),
        ["trim"] = (1, 1),
        ["ltrim"] = (1, 1),
        ["rtrim"] = (1, 1),
        ["abs"] = (1, 1),
        ["coalesce"] = (2, 16),
        ["nullif"] = (2, 2),
    };
}
