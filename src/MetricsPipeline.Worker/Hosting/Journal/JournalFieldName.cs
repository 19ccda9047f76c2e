using System.Text;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// Journal field names. The journal accepts from a client only names of 1 to 64 characters from [A-Z0-9_] that do not
/// begin with an underscore (journald's own, trusted fields such as _PID do) or a digit; anything else it drops.
/// </summary>
internal static class JournalFieldName
{
    public const int MaxLength = 64;

    /// <summary>Whether the journal takes <paramref name="name"/> as a field name from a client.</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && name[0] is not '_' and not (>= '0' and <= '9') && name.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    /// <summary>
    /// The field name of a log property: words of a PascalCase or camelCase name joined by underscores and upper-cased
    /// (RunId → RUN_ID, SourceRows → SOURCE_ROWS, HTTPStatus → HTTP_STATUS), any other character an underscore, leading
    /// underscores and digits dropped, cut to 64 characters. Null when nothing is left ("{0}", "_").
    /// </summary>
    public static string? FromProperty(string property)
    {
        var name = new StringBuilder(property.Length + 8);
        for (var i = 0; i < property.Length; i++)
        {
            var c = property[i];
            if (char.IsAsciiLetterUpper(c) && i > 0 && StartsWord(property, i))
                Underscore(name);
            if (char.IsAsciiLetterOrDigit(c))
                name.Append(char.ToUpperInvariant(c));
            else
                Underscore(name);
        }
        var text = name.ToString().TrimStart('_', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        if (text.Length > MaxLength)
            text = text[..MaxLength];
        text = text.TrimEnd('_');
        return text.Length == 0 ? null : text;
    }

    /// <summary>An upper-case letter starts a word after a lower-case letter or digit, or as the last capital of an acronym ("HTTPStatus": the S).</summary>
    private static bool StartsWord(string property, int i)
    {
        var previous = property[i - 1];
        if (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous))
            return true;
        return char.IsAsciiLetterUpper(previous) && i + 1 < property.Length && char.IsAsciiLetterLower(property[i + 1]);
    }

    private static void Underscore(StringBuilder name)
    {
        if (name.Length > 0 && name[^1] != '_')
            name.Append('_');
    }
}
