namespace MetricsPipeline.Configuration.Binding;

/// <summary>"did you mean Where?" for a misspelt configuration key.</summary>
public static class KeySuggestion
{
    /// <summary>
    /// Names the closest known key when it is a plausible misspelling (at most a third of the key's length in
    /// edits, rounded up, and at least two: MaxRetry → MaxRetries is three); otherwise lists the keys known here.
    /// </summary>
    public static string For(string key, IEnumerable<string> known, string knownLabel = "known keys here")
    {
        var candidates = known.Order(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
            return $"{knownLabel}: none";
        var closest = candidates.MinBy(c => Distance(key.ToLowerInvariant(), c.ToLowerInvariant()))!;
        var distance = Distance(key.ToLowerInvariant(), closest.ToLowerInvariant());
        return distance <= Math.Max(2, (key.Length + 2) / 3)
            ? $"did you mean {closest}?"
            : $"{knownLabel}: {string.Join(", ", candidates)}";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions (Wehre → Where is one edit).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
