using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// Turns the SQL of a Grafana panel into the SQL Grafana's PostgreSQL data source would send: macros
/// ($__timeFilter, $__timeGroupAlias ...) and dashboard variables ($name, ${name:sqlstring}) expanded the
/// way Grafana expands them. Anything it does not know fails loudly, so a panel using a new macro is not
/// silently left untested.
/// </summary>
public sealed partial class GrafanaQuery(DateTimeOffset from, DateTimeOffset to, TimeSpan interval, IReadOnlyDictionary<string, IReadOnlyList<string>> variables)
{
    public string Expand(string sql)
    {
        var text = sql.Replace("$__interval_ms", ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                      .Replace("$__interval", $"{(long)interval.TotalSeconds}s", StringComparison.Ordinal);
        text = ExpandMacros(text);
        text = VariablePattern().Replace(text, m => Variable(m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value,
            m.Groups["format"].Success ? m.Groups["format"].Value : null));
        if (text.Contains('$', StringComparison.Ordinal) && DollarOutsideQuotes(text))
            throw new NotSupportedException($"unexpanded $ in: {text}");
        return text;
    }

    private string ExpandMacros(string sql)
    {
        var result = new StringBuilder();
        var i = 0;
        while (true)
        {
            var start = sql.IndexOf("$__", i, StringComparison.Ordinal);
            if (start < 0)
                return result.Append(sql, i, sql.Length - i).ToString();
            result.Append(sql, i, start - i);
            var open = sql.IndexOf('(', start);
            if (open < 0)
                throw new NotSupportedException($"macro without arguments at: {sql[start..]}");
            var name = sql[(start + 3)..open];
            var (args, close) = Arguments(sql, open);
            result.Append(Macro(name, args));
            i = close + 1;
        }
    }

    private string Macro(string name, IReadOnlyList<string> args) => name switch
    {
        "timeFilter" => $"{args[0]} BETWEEN {Literal(from)} AND {Literal(to)}",
        "timeFrom" => Literal(from),
        "timeTo" => Literal(to),
        "time" => $"{args[0]} AS \"time\"",
        "timeEpoch" => $"extract(epoch from {args[0]}) AS \"time\"",
        "timeGroup" => Bucket(args),
        "timeGroupAlias" => $"{Bucket(args)} AS \"time\"",
        "unixEpochFilter" => $"{args[0]} >= {from.ToUnixTimeSeconds()} AND {args[0]} <= {to.ToUnixTimeSeconds()}",
        "unixEpochFrom" => from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        "unixEpochTo" => to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"unknown Grafana macro $__{name}"),
    };

    // Grafana: floor(extract(epoch from col)/300)*300 for '5m'.
    private static string Bucket(IReadOnlyList<string> args)
    {
        var seconds = (long)ParseInterval(args[1].Trim().Trim('\'')).TotalSeconds;
        return $"floor(extract(epoch from {args[0]})/{seconds})*{seconds}";
    }

    private string Variable(string name, string? format)
    {
        if (!variables.TryGetValue(name, out var values))
            throw new NotSupportedException($"unknown dashboard variable ${name}");
        return format switch
        {
            "sqlstring" => string.Join(",", values.Select(Quote)),
            "csv" => string.Join(",", values),
            null when values.Count == 1 => values[0],
            null => string.Join(",", values.Select(Quote)), // a multi-value variable without format: SQL data sources quote each value
            _ => throw new NotSupportedException($"unknown variable format :{format}"),
        };
    }

    /// <summary>
    /// The values of a custom variable, as Grafana reads its query: comma-separated items, each either a value
    /// or "text : value" (the text is what the picker shows, e.g. "季度 : quarter").
    /// </summary>
    public static List<string> CustomValues(string query) =>
        query.Split(',').Select(item => CustomItemPattern().Match(item) is { Success: true } m ? m.Groups[2].Value.Trim() : item.Trim()).ToList();

    public static TimeSpan ParseInterval(string text)
    {
        var match = IntervalPattern().Match(text);
        if (!match.Success)
            throw new NotSupportedException($"unknown interval '{text}'");
        var n = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n), "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n), "d" => TimeSpan.FromDays(n), _ => TimeSpan.FromDays(7 * n),
        };
    }

    private static (List<string> Args, int Close) Arguments(string sql, int open)
    {
        var args = new List<string>();
        var depth = 0;
        var current = new StringBuilder();
        for (var i = open + 1; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '(') depth++;
            if (c == ')' && depth-- == 0)
            {
                if (current.Length > 0 || args.Count > 0) args.Add(current.ToString().Trim());
                return (args, i);
            }
            if (c == ',' && depth == 0) { args.Add(current.ToString().Trim()); current.Clear(); }
            else current.Append(c);
        }
        throw new NotSupportedException($"unbalanced parentheses in: {sql[open..]}");
    }

    private static bool DollarOutsideQuotes(string sql)
    {
        var quoted = false;
        foreach (var c in sql)
        {
            if (c == '\'') quoted = !quoted;
            else if (c == '$' && !quoted) return true;
        }
        return false;
    }

    private static string Literal(DateTimeOffset time) => $"'{time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}'";

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\$\{(?<braced>\w+)(?::(?<format>\w+))?\}|\$(?<plain>[A-Za-z]\w*)")]
    private static partial Regex VariablePattern();

    // Grafana's custom variable item "text : value" (a space on both sides of the colon).
    [GeneratedRegex(@"^\s*(.+?)\s:\s(.+)$")]
    private static partial Regex CustomItemPattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$")]
    private static partial Regex IntervalPattern();
}
