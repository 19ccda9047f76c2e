using System.Globalization;

namespace MetricsPipeline.Sources;

/// <summary>
/// A measure from configuration: "*" (row count), a column, or simple arithmetic over columns and
/// numbers (+ - * / and parentheses). Anything else — a function call, a subquery, a semicolon, a
/// string — is refused, so configuration can never inject SQL into the generated query.
/// </summary>
public abstract record MeasureExpression
{
    public static MeasureExpression Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new FormatException("the expression is empty (use \"*\" for a row count)");
        if (text.Trim() == "*")
            return new RowCount();
        var parser = new Parser(text);
        var expression = parser.ParseExpression();
        parser.ExpectEnd();
        return expression;
    }

    /// <summary>Renders the expression for a dialect; column names are quoted by it.</summary>
    public abstract string Render(ISqlDialect dialect);

    /// <summary>The columns the expression reads.</summary>
    public abstract IEnumerable<string> Columns { get; }

    /// <summary>
    /// Evaluates the expression in .NET (file drops, where there is no database to do it). NULL when a
    /// column is NULL or a division is by zero, as in SQL.
    /// </summary>
    public abstract decimal? Evaluate(Func<string, decimal?> column);

    public sealed record RowCount : MeasureExpression
    {
        public override string Render(ISqlDialect dialect) => "1";
        public override IEnumerable<string> Columns => [];
        public override decimal? Evaluate(Func<string, decimal?> column) => 1;
    }

    public sealed record Column(string Name) : MeasureExpression
    {
        public override string Render(ISqlDialect dialect) => dialect.QuoteIdentifier(Name);
        public override IEnumerable<string> Columns => [Name];
        public override decimal? Evaluate(Func<string, decimal?> column) => column(Name);
    }

    public sealed record Number(decimal Value) : MeasureExpression
    {
        public override string Render(ISqlDialect dialect) => Value.ToString(CultureInfo.InvariantCulture);
        public override IEnumerable<string> Columns => [];
        public override decimal? Evaluate(Func<string, decimal?> column) => Value;
    }

    public sealed record Negate(MeasureExpression Operand) : MeasureExpression
    {
        public override string Render(ISqlDialect dialect) => $"(-{Operand.Render(dialect)})";
        public override IEnumerable<string> Columns => Operand.Columns;
        public override decimal? Evaluate(Func<string, decimal?> column) => -Operand.Evaluate(column);
    }

    public sealed record Binary(char Operator, MeasureExpression Left, MeasureExpression Right) : MeasureExpression
    {
        // Division renders through the dialect: integer division and division by zero differ by database.
        public override string Render(ISqlDialect dialect) => Operator == '/'
            ? dialect.Divide(Left.Render(dialect), Right.Render(dialect))
            : $"({Left.Render(dialect)} {Operator} {Right.Render(dialect)})";

        public override IEnumerable<string> Columns => Left.Columns.Concat(Right.Columns);

        public override decimal? Evaluate(Func<string, decimal?> column)
        {
            if (Left.Evaluate(column) is not { } left || Right.Evaluate(column) is not { } right)
                return null;
            return Operator switch
            {
                '+' => left + right,
                '-' => left - right,
                '*' => left * right,
                _ => right == 0 ? null : left / right,
            };
        }
    }

    /// <summary>Recursive descent over: expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*; factor := number | name | '(' expr ')' | '-' factor.</summary>
    private sealed class Parser(string text)
    {
        private int _position;

        public MeasureExpression ParseExpression()
        {
            var left = ParseTerm();
            while (TryConsume('+', '-', out var op))
                left = new Binary(op, left, ParseTerm());
            return left;
        }

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_position < text.Length)
                throw Error($"unexpected '{text[_position]}'");
        }

        private MeasureExpression ParseTerm()
        {
            var left = ParseFactor();
            while (TryConsume('*', '/', out var op))
                left = new Binary(op, left, ParseFactor());
            return left;
        }

        private MeasureExpression ParseFactor()
        {
            SkipSpaces();
            if (_position >= text.Length)
                throw Error("the expression ends too early");
            var c = text[_position];
            if (c == '(')
            {
                _position++;
                var inner = ParseExpression();
                SkipSpaces();
                if (_position >= text.Length || text[_position] != ')')
                    throw Error("missing ')'");
                _position++;
                return inner;
            }
            if (c == '-')
            {
                _position++;
                return new Negate(ParseFactor());
            }
            if (char.IsAsciiDigit(c) || c == '.')
                return ParseNumber();
            if (char.IsLetter(c) || c == '_')
                return ParseName();
            throw Error($"'{c}' is not allowed (only columns, numbers, + - * / and parentheses)");
        }

        private Number ParseNumber()
        {
            var start = _position;
            while (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] == '.'))
                _position++;
            var literal = text[start.._position];
            if (!decimal.TryParse(literal, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                throw Error($"'{literal}' is not a number");
            return new Number(value);
        }

        private Column ParseName()
        {
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
                _position++;
            var name = text[start.._position];
            SkipSpaces();
            if (_position < text.Length && text[_position] == '(')
                throw Error($"function calls such as '{name}(' are not allowed");
            if (_position < text.Length && text[_position] == '.')
                throw Error("qualified names are not allowed; name the column alone");
            if (IsSqlKeyword(name))
                throw Error($"'{name}' is an SQL keyword, not a column");
            return new Column(name);
        }

        private static bool IsSqlKeyword(string name) => name.ToUpperInvariant() is
            "SELECT" or "FROM" or "WHERE" or "AND" or "OR" or "NOT" or "NULL" or "CASE" or "WHEN" or "THEN"
            or "ELSE" or "END" or "UNION" or "INSERT" or "UPDATE" or "DELETE" or "DROP" or "EXEC" or "CAST";

        private bool TryConsume(char a, char b, out char op)
        {
            SkipSpaces();
            op = default;
            if (_position < text.Length && (text[_position] == a || text[_position] == b))
            {
                op = text[_position++];
                return true;
            }
            return false;
        }

        private void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
                _position++;
        }

        private FormatException Error(string message) =>
            new($"{message} at position {_position + 1} of \"{text}\"");
    }
}
