using System.Globalization;
using System.Text;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// Makes text from a dropped file (or an error about one) safe to store and to log: NUL and every other
/// control character, terminal escape sequences and bidirectional overrides become visible escapes
/// (<c>\x1B</c>, <c>\u202E</c>), so a message can be written to ops.windows.error (PostgreSQL refuses
/// NUL in text) and printed in a terminal without acting on it. Texts are bounded: file contents only
/// ever appear as short excerpts.
/// </summary>
public static class ErrorText
{
    /// <summary>The longest error text stored or logged for one file.</summary>
    public const int MaxLength = 1000;

    /// <summary>The longest excerpt of a file's own content (a cell, a header name) in a message.</summary>
    public const int ExcerptLength = 32;

    /// <summary>An error text, sanitised and cut to <see cref="MaxLength"/> characters.</summary>
    public static string Sanitise(string text, int maxLength = MaxLength)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (builder.Length >= maxLength)
            {
                builder.Append($"… ({text.Length - builder.Length:N0} more characters cut)");
                break;
            }
            if (rune.Value is '\n' or '\r' or '\t')
                builder.Append(' ');
            else if (IsUnsafe(rune))
                builder.Append(rune.Value <= 0xFF ? $"\\x{rune.Value:X2}" : $"\\u{rune.Value:X4}");
            else
                builder.Append(rune.ToString());
        }
        return builder.ToString();
    }

    /// <summary>A short, sanitised, quoted excerpt of file content: never more than <see cref="ExcerptLength"/> characters of it.</summary>
    public static string Excerpt(string content)
    {
        var cut = content.Length > ExcerptLength;
        var shown = cut ? content[..ExcerptLength] : content;
        if (cut && char.IsHighSurrogate(shown[^1]))
            shown = shown[..^1];
        return $"'{Sanitise(shown, ExcerptLength * 4)}'{(cut ? $"… ({content.Length:N0} characters)" : "")}";
    }

    /// <summary>
    /// A name taken from a file (a header cell), shown only when it is short enough to be a name: a long cell
    /// is more likely a line of something else (a credential file dropped by mistake) and is only measured.
    /// </summary>
    public static string Name(string content) =>
        content.Length <= ExcerptLength ? $"'{Sanitise(content, ExcerptLength * 4)}'" : $"(a cell of {content.Length:N0} characters, not shown)";

    // C0 and C1 controls (ESC starts terminal sequences; NUL cannot be stored), DEL, and the bidirectional
    // embeddings, overrides and isolates that make a terminal show text in another order than it is.
    private static bool IsUnsafe(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control
        || rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0x200E or 0x200F or 0x061C;
}
