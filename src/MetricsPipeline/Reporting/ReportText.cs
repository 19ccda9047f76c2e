using System.Globalization;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Reporting;

/// <summary>
/// The words of the page that do not come from the warehouse, Chinese first: level names, units of the
/// count per category family, number formats. Category, status and signal-type labels come from
/// ref.categories, ref.statuses and ref.signal_types, so the page and the views say the same.
/// </summary>
public static class ReportText
{
    public static string Level(string level, DisplayLanguage language) => level switch
    {
        "province" => language.Pick("省", "provinces"),
        "city" => language.Pick("市", "cities"),
        "county" => language.Pick("县(区)", "counties"),
        "township" => language.Pick("乡镇", "townships"),
        "village" => language.Pick("村(社区)", "villages"),
        _ => level,
    };

    /// <summary>What one unit of the count measure is, for the y axis: a document is 件, a meeting 场 ...</summary>
    public static string CountUnit(string category, DisplayLanguage language) => category.Split('.')[0] switch
    {
        "document" => language.Pick("件", "documents"),
        "meeting" => language.Pick("场", "meetings"),
        "inspection" => language.Pick("次", "inspections"),
        "data_request" => language.Pick("次", "requests"),
        "report_form" => language.Pick("份", "forms"),
        "check_in" => language.Pick("次", "check-ins"),
        "digital_tool" => language.Pick("个", "in use"),
        "task" => language.Pick("项", "tasks"),
        _ => language.Pick("件", "items"),
    };

    public static string Number(decimal? value, int decimals) =>
        value is null ? "–" : Math.Round(value.Value, decimals).ToString("N" + decimals, CultureInfo.InvariantCulture);

    public static string Percent(decimal? fraction, int decimals) =>
        fraction is null ? "–" : Math.Round(fraction.Value * 100, decimals).ToString("N" + decimals, CultureInfo.InvariantCulture) + "%";

    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A period's short label on an axis: 2025, 2025-Q3, 2025-03, 2025-W07.</summary>
    public static string PeriodLabel(string kind, DateOnly start) => kind switch
    {
        "year" => start.Year.ToString(CultureInfo.InvariantCulture),
        "quarter" => string.Create(CultureInfo.InvariantCulture, $"{start.Year}-Q{(start.Month + 2) / 3}"),
        "month" => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{ISOWeek.GetYear(start.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(start.ToDateTime(TimeOnly.MinValue)):00}"),
    };

    public static string PeriodKind(string kind, DisplayLanguage language) => kind switch
    {
        "year" => language.Pick("年度", "year"),
        "quarter" => language.Pick("季度", "quarter"),
        "month" => language.Pick("月度", "month"),
        _ => language.Pick("周", "ISO week"),
    };
}
