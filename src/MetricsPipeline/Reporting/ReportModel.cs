using MetricsPipeline.Configuration;

namespace MetricsPipeline.Reporting;

/// <summary>One category's count in one period of the trend, as marts.indicators holds it.</summary>
/// <remarks>Positional, every column in the query's order: Dapper materialises records through their constructor.</remarks>
public sealed record TrendPoint(string Category, DateOnly PeriodStart, decimal? Value, decimal? BaseValue,
    decimal? Reduction, decimal? TargetReduction, string? TargetSource, string Status,
    bool? TargetMet, string? TargetBasePeriod, string? StatusLabelZh, string? StatusLabelEn);

/// <summary>A category's labels (ref.categories).</summary>
public sealed record CategoryLabel(string Category, string LabelZh, string LabelEn);

/// <summary>A unit one level down from the report's unit, with its burden hours (marts.burden_hours_by_unit).</summary>
public sealed record RankingRow(string UnitCode, string UnitName, string UnitLevel, decimal? Hours, long? SubtreeHeadcount,
    decimal? HoursPerFte, decimal? ShareOfWorkingTime, decimal? BurdenIndex, string Status, string? StatusLabelZh, string? StatusLabelEn);

/// <summary>
/// A signal of the period (marts.signals_with_evidence) that stands on its own on the page, with its type's labels
/// (ref.signal_types), its summary in both languages, and how many signals of units below are grouped under it.
/// </summary>
public sealed record SignalRow(string Signal, string UnitCode, string? UnitName, DateOnly PeriodStart, DateOnly StartedOn,
    decimal? Score, string Summary, string? Evidence, string? SignalLabelZh, string? SignalLabelEn, string? SummaryZh,
    long GroupedChildren)
{
    /// <summary>The signal type's name in the page's language; the code where the warehouse has no label.</summary>
    public string Label(DisplayLanguage language) => language.Pick(SignalLabelZh ?? Signal, SignalLabelEn ?? Signal);

    /// <summary>The summary in the page's language (the English one where a Chinese one is missing).</summary>
    public string SummaryIn(DisplayLanguage language) => language.Pick(SummaryZh ?? Summary, Summary);
}

/// <summary>Everything one page shows; the page computes nothing but layout.</summary>
public sealed record ReportModel(
    ReportPeriod Period,
    string UnitCode,
    string UnitName,
    IReadOnlyList<TrendPoint> Trend,
    IReadOnlyList<CategoryLabel> Categories,
    IReadOnlyList<RankingRow> Ranking,
    IReadOnlyList<SignalRow> Signals,
    int SignalsInPeriod,
    int GroupedSignals,
    DateTime? ComputedAt,
    DisplayLanguage Language)
{
    /// <summary>The level of the ranked units (null when the unit has none below it).</summary>
    public string? RankedLevel => Ranking.Count > 0 ? Ranking[0].UnitLevel : null;

    public string CategoryName(string category) =>
        Categories.FirstOrDefault(c => c.Category == category) is { } label ? Language.Pick(label.LabelZh, label.LabelEn) : category;
}
