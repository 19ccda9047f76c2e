using System.Text.RegularExpressions;

namespace MetricsPipeline.Sources;

/// <summary>
/// A table or column name from configuration. Names are parsed (letters, digits, underscore, optionally
/// schema-qualified with one dot) and quoted by the dialect, never pasted into SQL as written.
/// </summary>
public sealed partial record SqlIdentifier(IReadOnlyList<string> Parts)
{
    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{N}_$]*$")]
    private static partial Regex NamePart();

    public static SqlIdentifier ParseColumn(string text) => Parse(text, maxParts: 1, "column");

    public static SqlIdentifier ParseTable(string text) => Parse(text, maxParts: 2, "table");

    private static SqlIdentifier Parse(string text, int maxParts, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new FormatException($"a {what} name is required");
        var parts = text.Trim().Split('.');
        if (parts.Length > maxParts)
            throw new FormatException($"'{text}' is not a valid {what} name (at most {maxParts} dot-separated part{(maxParts > 1 ? "s" : "")})");
        foreach (var part in parts)
        {
            if (!NamePart().IsMatch(part))
                throw new FormatException($"'{text}' is not a valid {what} name: only letters, digits and _ are allowed");
        }
        return new SqlIdentifier(parts);
    }

    public string Render(ISqlDialect dialect) => string.Join('.', Parts.Select(dialect.QuoteIdentifier));

    public override string ToString() => string.Join('.', Parts);
}
