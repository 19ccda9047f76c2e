using System.Globalization;
using System.Text.RegularExpressions;

namespace MetricsPipeline.Reporting;

/// <summary>A reporting period as the <c>report</c> verb takes it: <c>2025</c>, <c>2025-Q3</c>, <c>2025-03</c> or <c>2025-W07</c>.</summary>
public sealed partial record ReportPeriod(string Kind, DateOnly Start, DateOnly End, string Label)
{
    public static ReportPeriod Parse(string text)
    {
        text = text.Trim();
        if (YearPattern().Match(text) is { Success: true } y)
        {
            var year = int.Parse(y.Groups[1].Value, CultureInfo.InvariantCulture);
            return new ReportPeriod("year", new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), text);
        }
        if (QuarterPattern().Match(text) is { Success: true } q)
        {
            var start = new DateOnly(int.Parse(q.Groups[1].Value, CultureInfo.InvariantCulture), 3 * int.Parse(q.Groups[2].Value, CultureInfo.InvariantCulture) - 2, 1);
            return new ReportPeriod("quarter", start, start.AddMonths(3).AddDays(-1), text.ToUpperInvariant());
        }
        if (MonthPattern().Match(text) is { Success: true } m)
        {
            var start = new DateOnly(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 1);
            return new ReportPeriod("month", start, start.AddMonths(1).AddDays(-1), text);
        }
        if (WeekPattern().Match(text) is { Success: true } w)
        {
            var start = DateOnly.FromDateTime(ISOWeek.ToDateTime(int.Parse(w.Groups[1].Value, CultureInfo.InvariantCulture),
                int.Parse(w.Groups[2].Value, CultureInfo.InvariantCulture), DayOfWeek.Monday));
            return new ReportPeriod("week", start, start.AddDays(6), text.ToUpperInvariant());
        }
        throw new FormatException($"'{text}' is not a period: use 2025 (year), 2025-Q3 (quarter), 2025-03 (month) or 2025-W07 (ISO week)");
    }

    /// <summary>The start of the period <paramref name="steps"/> periods earlier.</summary>
    public DateOnly StepBack(int steps) => Kind switch
    {
        "year" => Start.AddYears(-steps),
        "quarter" => Start.AddMonths(-3 * steps),
        "month" => Start.AddMonths(-steps),
        _ => Start.AddDays(-7 * steps),
    };

    [GeneratedRegex(@"^(\d{4})$")]
    private static partial Regex YearPattern();

    [GeneratedRegex(@"^(\d{4})-[Qq]([1-4])$")]
    private static partial Regex QuarterPattern();

    [GeneratedRegex(@"^(\d{4})-(0[1-9]|1[0-2])$")]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"^(\d{4})-[Ww](0[1-9]|[1-4]\d|5[0-3])$")]
    private static partial Regex WeekPattern();
}
