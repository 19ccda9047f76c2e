using System.Text.RegularExpressions;

namespace MetricsPipeline.Warehouse.Dictionary;

/// <summary>
/// The unit of measure of a column as its comment states it. Times are timestamptz in UTC and days are the
/// unit's local day everywhere in the warehouse, so those follow from the type; a number's unit is read from
/// its comment, which names it in words by the warehouse's convention ("Unit: ...", a closing "Hours." or
/// "Days.", "fraction", "in the measure's unit"). The first rule that matches wins; null where nothing
/// states a unit, and for names, codes, flags and lists, which have none.
/// </summary>
public static partial class ColumnUnit
{
    private static readonly (Regex Pattern, string Unit)[] NumberRules =
    [
        (new Regex(@"\bper FTE\b", RegexOptions.IgnoreCase), "每全时当量 per FTE"),
        (new Regex(@"\bbase( period)? = 100\b|\bindex\b.*\b100\b", RegexOptions.IgnoreCase), "指数 index (base = 100)"),
        (new Regex(@"\bfraction\b", RegexOptions.IgnoreCase), "比例 fraction (0.30 = 30%)"),
        (new Regex(@"\bdimensionless\b", RegexOptions.IgnoreCase), "无量纲 dimensionless"),
        (new Regex(@"\bmeasure'?s (own )?unit\b|\bsame unit as\b|\bmeasure units\b|\bmeasure'?s own\b", RegexOptions.IgnoreCase), "度量自身单位 the measure's unit"),
        (new Regex(@"\bminutes\b", RegexOptions.IgnoreCase), "分钟 minutes"),
        (new Regex(@"\bhours\b", RegexOptions.IgnoreCase), "小时 hours"),
        (new Regex(@"\bFTE\b"), "全时当量 FTE (people)"),
        (new Regex(@"\bitem-days\b", RegexOptions.IgnoreCase), "项·天 item-days"),
        (new Regex(@"\bcells\b", RegexOptions.IgnoreCase), "单元格 cells (source x stream x day)"),
        (new Regex(@"\bdays\b", RegexOptions.IgnoreCase), "天 days"),
        // rows counted, not a sentence that mentions rows ("kept the rows in quarantine")
        (new Regex(@"^(source |facts\.daily )?rows\b|\(rows\)|\bnumber of (source )?rows\b", RegexOptions.IgnoreCase), "行 rows"),
    ];

    // A closing sentence that is only a unit, the most explicit statement after "Unit: ...".
    private static readonly Dictionary<string, string> UnitSentences = new(StringComparer.Ordinal)
    {
        ["Hours"] = "小时 hours", ["Days"] = "天 days", ["Cells"] = "单元格 cells (source x stream x day)", ["Items"] = "项 items",
        ["Events"] = "件 events", ["Streams"] = "数据流 streams", ["Minutes"] = "分钟 minutes", ["Rows"] = "行 rows", ["FTE"] = "全时当量 FTE (people)",
        ["Months"] = "月 months", ["Documents"] = "件 documents", ["Dimensionless"] = "无量纲 dimensionless",
    };

    private static readonly HashSet<string> NumberTypes = new(StringComparer.Ordinal)
        { "numeric", "integer", "bigint", "smallint", "real", "double precision" };

    /// <param name="name">The column's name: identifiers (..._id) count rows of another table, they have no unit.</param>
    /// <param name="type">The column's type as format_type prints it.</param>
    /// <param name="comment">The column's comment.</param>
    public static string? From(string name, string type, string? comment)
    {
        if (name.EndsWith("_id", StringComparison.Ordinal)) return null;
        if (type == "timestamp with time zone") return "UTC 时间 UTC time";
        if (type == "date") return "本地日 local day";
        if (type == "interval") return "时长 duration";
        if (!NumberTypes.Contains(type) || comment is null) return null;
        if (ExplicitUnit().Match(comment) is { Success: true } stated)
            return stated.Groups[1].Value.Trim();
        foreach (Match sentence in UnitSentence().Matches(comment))
            if (UnitSentences.TryGetValue(sentence.Groups[1].Value, out var unit))
                return unit;
        foreach (var (pattern, unit) in NumberRules)
            if (pattern.IsMatch(comment))
                return unit;
        return null;
    }

    [GeneratedRegex(@"\bUnit:\s*(.+?)(?:\.(?:\s|$)|;|$)")]
    private static partial Regex ExplicitUnit();

    [GeneratedRegex(@"(?:^|\.\s+)([A-Z][A-Za-z]*)\.(?:\s|$)")]
    private static partial Regex UnitSentence();
}
