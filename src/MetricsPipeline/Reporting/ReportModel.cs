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

/// <summary>A signal of the period (marts.signals_with_evidence), read through its long-standing columns only.</summary>
public sealed record SignalRow(string Signal, string UnitCode, string? UnitName, DateOnly PeriodStart, DateOnly StartedOn,
    decimal? Score, string Summary, string? Evidence);

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
    DateTime? ComputedAt,
    DisplayLanguage Language)
{
    /// <summary>The level of the ranked units (null when the unit has none below it).</summary>
    public string? RankedLevel => Ranking.Count > 0 ? Ranking[0].UnitLevel : null;

    public string CategoryName(string category) =>
        Categories.FirstOrDefault(c => c.Category == category) is { } label ? Language.Pick(label.LabelZh, label.LabelEn) : category;
}
