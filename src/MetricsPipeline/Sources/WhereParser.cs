using System.Globalization;

namespace MetricsPipeline.Sources;

/// <summary>
/// Recursive descent over the Where grammar (README, "What a Where may say"):
/// <code>
/// or        := and ('OR' and)*
/// and       := not ('AND' not)*
/// not       := 'NOT' not | predicate
/// predicate := sum [ ('=' | '&lt;&gt;' | '!=' | '&lt;' | '&lt;=' | '&gt;' | '&gt;=') sum
///                  | 'IS' ['NOT'] 'NULL'
///                  | ['NOT'] 'IN' '(' sum (',' sum)* ')'
///                  | ['NOT'] 'LIKE' sum
///                  | ['NOT'] 'BETWEEN' sum 'AND' sum ]
/// sum       := product (('+' | '-') product)*
/// product   := unary (('*' | '/') unary)*
/// unary     := '-' unary | primary
/// primary   := number | 'text' | TRUE | FALSE | NULL | function '(' sum (',' sum)* ')' | column | '(' or ')'
/// </code>
/// Keywords are case-insensitive. Anything else (other functions, subqueries, comments, quoted names,
/// casts, parameters, a second statement) is refused with the position and the reason.
/// </summary>
internal sealed class WhereParser
{
    private const int MaxDepth = 64;

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "TRUE", "FALSE",
        "SELECT", "FROM", "WHERE", "CASE", "WHEN", "THEN", "ELSE", "END", "UNION", "INSERT", "UPDATE", "DELETE",
        "DROP", "EXEC", "EXECUTE", "CALL", "CAST", "EXISTS", "INTO", "ESCAPE", "ILIKE", "SIMILAR", "REGEXP", "RLIKE",
        "COLLATE", "ANY", "ALL", "SOME", "AS", "ON", "JOIN", "WITH", "VALUES", "GLOB", "MATCH", "DIV", "MOD",
    };

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private WhereParser(string text)
    {
        _text = text;
        _tokens = Tokenize(text);
    }

    public static WhereExpression Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new FormatException("the Where is empty (leave it out to read every row)");
        var parser = new WhereParser(text);
        var expression = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
            throw parser.Error(parser.Current, $"unexpected '{parser.Current.Text}'");
        return expression;
    }

    private Token Current => _tokens[_index];

    private WhereExpression ParseOr()
    {
        var left = ParseAnd();
        while (TryKeyword("OR"))
            left = new WhereExpression.Logical("OR", left, ParseAnd());
        return left;
    }

    private WhereExpression ParseAnd()
    {
        var left = ParseNot();
        while (TryKeyword("AND"))
            left = new WhereExpression.Logical("AND", left, ParseNot());
        return left;
    }

    private WhereExpression ParseNot()
    {
        if (!TryKeyword("NOT"))
            return ParsePredicate();
        using var _ = Deeper();
        return new WhereExpression.Not(ParseNot());
    }

    private WhereExpression ParsePredicate()
    {
        var left = ParseSum();
        if (Current.Kind == TokenKind.Symbol && Current.Text is "=" or "<>" or "!=" or "<" or "<=" or ">" or ">=")
        {
            var op = Next().Text;
            return new WhereExpression.Comparison(op == "!=" ? "<>" : op, left, ParseSum());
        }
        if (TryKeyword("IS"))
        {
            var negated = TryKeyword("NOT");
            if (!TryKeyword("NULL"))
                throw Error(Current, "only IS NULL and IS NOT NULL are allowed after IS");
            return new WhereExpression.IsNull(left, negated);
        }
        var not = TryKeyword("NOT");
        if (TryKeyword("IN"))
        {
            Expect("(", "IN needs a parenthesised list of values, e.g. IN ('a', 'b')");
            var values = ParseList();
            return new WhereExpression.In(left, values, not);
        }
        if (TryKeyword("LIKE"))
            return new WhereExpression.Like(left, ParseSum(), not);
        if (TryKeyword("BETWEEN"))
        {
            var low = ParseSum();
            if (!TryKeyword("AND"))
                throw Error(Current, "BETWEEN needs AND between its two bounds");
            return new WhereExpression.Between(left, low, ParseSum(), not);
        }
        if (not)
            throw Error(Current, "NOT here must be followed by IN, LIKE or BETWEEN");
        return left;
    }

    private WhereExpression ParseSum()
    {
        var left = ParseProduct();
        while (Current.Kind == TokenKind.Symbol && Current.Text is "+" or "-")
            left = new WhereExpression.Arithmetic(Next().Text, left, ParseProduct());
        return left;
    }

    private WhereExpression ParseProduct()
    {
        var left = ParseUnary();
        while (Current.Kind == TokenKind.Symbol && Current.Text is "*" or "/")
            left = new WhereExpression.Arithmetic(Next().Text, left, ParseUnary());
        return left;
    }

    private WhereExpression ParseUnary()
    {
        if (Current.Kind != TokenKind.Symbol || Current.Text != "-")
            return ParsePrimary();
        Next();
        using var _ = Deeper();
        return new WhereExpression.Negate(ParseUnary());
    }

    private WhereExpression ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.End:
                throw Error(token, "the Where ends too early");
            case TokenKind.Number:
                Next();
                return decimal.TryParse(token.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                    ? new WhereExpression.Number(number)
                    : throw Error(token, $"'{token.Text}' is not a number");
            case TokenKind.Text:
                Next();
                return new WhereExpression.Text(token.Text);
            case TokenKind.Symbol when token.Text == "(":
            {
                Next();
                using var _ = Deeper();
                var inner = ParseOr();
                Expect(")", "missing ')'");
                return inner;
            }
            case TokenKind.Name:
                return ParseName();
            default:
                throw Error(token, $"unexpected '{token.Text}'");
        }
    }

    private WhereExpression ParseName()
    {
        var token = Next();
        var upper = token.Text.ToUpperInvariant();
        if (upper is "TRUE" or "FALSE" or "NULL")
            return new WhereExpression.Constant(upper);
        if (Reserved.Contains(token.Text))
            throw Error(token, $"'{token.Text}' is an SQL keyword this Where does not allow here");
        if (Current.Kind == TokenKind.Symbol && Current.Text == "(")
        {
            var name = token.Text.ToLowerInvariant();
            if (!WhereFunctions.Allowed.TryGetValue(name, out var arity))
                throw Error(token, $"function '{token.Text}' is not allowed (allowed: {string.Join(", ", WhereFunctions.Allowed.Keys)})");
            Next();
            using var _ = Deeper();
            var arguments = ParseList();
            if (arguments.Count < arity.Min || arguments.Count > arity.Max)
            {
                var expected = arity.Min == arity.Max ? $"{arity.Min}" : $"{arity.Min} to {arity.Max}";
                throw Error(token, $"{name} takes {expected} argument(s), not {arguments.Count}");
            }
            return new WhereExpression.Function(name, arguments);
        }
        if (Current.Kind == TokenKind.Symbol && Current.Text == ".")
            throw Error(Current, "qualified names are not allowed; name the column alone");
        return new WhereExpression.Column(token.Text);
    }

    /// <summary>Values up to the closing parenthesis (the opening one is consumed).</summary>
    private List<WhereExpression> ParseList()
    {
        var values = new List<WhereExpression> { ParseSum() };
        while (Current.Kind == TokenKind.Symbol && Current.Text == ",")
        {
            Next();
            values.Add(ParseSum());
        }
        Expect(")", "missing ')' or ',' in the list");
        return values;
    }

    private bool TryKeyword(string keyword)
    {
        if (Current.Kind != TokenKind.Name || !string.Equals(Current.Text, keyword, StringComparison.OrdinalIgnoreCase))
            return false;
        _index++;
        return true;
    }

    private void Expect(string symbol, string message)
    {
        if (Current.Kind != TokenKind.Symbol || Current.Text != symbol)
            throw Error(Current, message);
        _index++;
    }

    private Token Next() => _tokens[_index++];

    private Depth Deeper() => ++_depth > MaxDepth
        ? throw Error(Current, $"nested more than {MaxDepth} levels deep")
        : new Depth(this);

    private readonly struct Depth(WhereParser parser) : IDisposable
    {
        public void Dispose() => parser._depth--;
    }

    private FormatException Error(Token token, string message) =>
        new($"{message} at position {token.Position + 1} of \"{_text}\"");

    private enum TokenKind { Name, Number, Text, Symbol, End }

    private readonly record struct Token(TokenKind Kind, string Text, int Position);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            if (c == '-' && Peek(text, i + 1) == '-' || c == '/' && Peek(text, i + 1) == '*' || c == '#')
                throw Refused(text, i, "comments are not allowed");
            if (char.IsAsciiDigit(c) || c == '.' && char.IsAsciiDigit(Peek(text, i + 1)))
            {
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
                tokens.Add(new Token(TokenKind.Number, text[start..i], start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Name, text[start..i], start));
            }
            else if (c == '\'')
            {
                tokens.Add(new Token(TokenKind.Text, ReadText(text, ref i), start));
            }
            else if (TwoCharacterSymbol(text, i) is { } pair)
            {
                tokens.Add(new Token(TokenKind.Symbol, pair, start));
                i += 2;
            }
            else if (c is '(' or ')' or ',' or '=' or '<' or '>' or '+' or '-' or '*' or '/' or '.')
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), start));
                i++;
            }
            else
            {
                throw Refused(text, i, c switch
                {
                    ';' => "';' is not allowed; a Where is a single predicate",
                    '"' or '`' or '[' => $"'{c}' is not allowed: write column names without quotes, text in single quotes",
                    _ => $"'{c}' is not allowed (see README, \"What a Where may say\")",
                });
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }

    private static string? TwoCharacterSymbol(string text, int i) =>
        i + 1 < text.Length && text.Substring(i, 2) is "<>" or "!=" or "<=" or ">=" ? text.Substring(i, 2) : null;

    /// <summary>A single-quoted literal; '' stands for one quote. Control characters are refused.</summary>
    private static string ReadText(string text, ref int i)
    {
        var start = i++;
        var value = new System.Text.StringBuilder();
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\'')
            {
                if (Peek(text, i + 1) != '\'')
                {
                    i++;
                    return value.ToString();
                }
                value.Append('\'');
                i += 2;
                continue;
            }
            if (char.IsControl(c))
                throw Refused(text, i, $"control character U+{(int)c:X4} in a text literal");
            value.Append(c);
            i++;
        }
        throw Refused(text, start, "unterminated text literal (a ' without its closing ')");
    }

    private static char Peek(string text, int i) => i < text.Length ? text[i] : '\0';

    private static FormatException Refused(string text, int position, string message) =>
        new($"{message} at position {position + 1} of \"{text}\"");
}
