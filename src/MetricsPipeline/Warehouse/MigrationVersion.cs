using System.Globalization;
using System.Text.RegularExpressions;

namespace MetricsPipeline.Warehouse;

/// <summary>The version of a versioned migration (V31__name.sql is 31, V1_2__x.sql is 1.2), ordered as numbers.</summary>
public sealed partial record MigrationVersion(IReadOnlyList<long> Parts) : IComparable<MigrationVersion>
{
    /// <summary>V, the version (numbers separated by _ or .), two underscores, the rest, .sql; the name may carry a resource prefix.</summary>
    [GeneratedRegex(@"(?:^|[./\\])V(?<version>\d+(?:[._]\d+)*)__[^/\\]*\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionedFile();

    /// <summary>The version of a versioned migration file or resource; null for repeatable (R__) migrations and anything else.</summary>
    public static MigrationVersion? FromFileName(string name) =>
        VersionedFile().Match(name) is { Success: true } match ? Parse(match.Groups["version"].Value) : null;

    /// <summary>Parses "31", "1.2" or "1_2"; null when the text is not a version.</summary>
    public static MigrationVersion? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var parts = new List<long>();
        foreach (var part in text.Trim().Split('.', '_'))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                return null;
            parts.Add(number);
        }
        return new MigrationVersion(parts);
    }

    public int CompareTo(MigrationVersion? other)
    {
        if (other is null) return 1;
        for (var i = 0; i < Math.Max(Parts.Count, other.Parts.Count); i++)
        {
            var difference = (i < Parts.Count ? Parts[i] : 0).CompareTo(i < other.Parts.Count ? other.Parts[i] : 0);
            if (difference != 0) return difference;
        }
        return 0;
    }

    public static bool operator >(MigrationVersion a, MigrationVersion b) => a.CompareTo(b) > 0;

    public static bool operator <(MigrationVersion a, MigrationVersion b) => a.CompareTo(b) < 0;

    public override string ToString() => "V" + string.Join('.', Parts);

    public bool Equals(MigrationVersion? other) => other is not null && CompareTo(other) == 0;

    public override int GetHashCode() => string.Join('.', Parts.Reverse().SkipWhile(p => p == 0)).GetHashCode(StringComparison.Ordinal);
}
