using Dapper;
using Npgsql;

namespace MetricsPipeline.Indicators;

/// <summary>Reads the published indicators (marts.yearly_indicators / marts.monthly_indicators) for one unit.</summary>
public sealed class IndicatorQueries(NpgsqlDataSource warehouse)
{
    /// <summary>The root of the org tree: the active unit without a parent (the highest level if several).</summary>
    public async Task<string?> RootUnitAsync(CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition("""
            SELECT code FROM ref.units WHERE parent_code IS NULL AND active
            ORDER BY array_position(ARRAY['province', 'city', 'county', 'township', 'village'], level), code LIMIT 1
            """, cancellationToken: cancellationToken));
    }

    /// <summary>Yearly rows, or the last <paramref name="months"/> months, for the unit.</summary>
    public async Task<IReadOnlyList<IndicatorRow>> ForUnitAsync(string unit, string period, int months, CancellationToken cancellationToken)
    {
        var view = period == "month" ? "marts.monthly_indicators" : "marts.yearly_indicators";
        var recent = period == "month" ? "AND period_start > (SELECT max(period_start) FROM marts.monthly_indicators) - make_interval(months => @months)" : "";
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<IndicatorRow>(new CommandDefinition($"""
            SELECT unit_code AS UnitCode, unit_name AS UnitName, category AS Category, measure AS Measure, period_start AS PeriodStart,
                   value AS Value, base_value AS BaseValue, reduction AS Reduction, yoy_change AS YoyChange,
                   target_reduction AS TargetReduction, attainment AS Attainment, coverage AS Coverage, status AS Status,
                   target_met AS TargetMet, target_base_period AS TargetBasePeriod,
                   category_label_zh AS CategoryLabelZh, category_label_en AS CategoryLabelEn,
                   status_label_zh AS StatusLabelZh, status_label_en AS StatusLabelEn
            FROM {view}
            WHERE unit_code = @unit {recent}
            ORDER BY category, measure, period_start
            """, new { unit, months }, cancellationToken: cancellationToken));
        return rows.ToList();
    }
}

public sealed record IndicatorRow
{
    public string UnitCode { get; init; } = "";
    public string UnitName { get; init; } = "";
    public string Category { get; init; } = "";
    public string Measure { get; init; } = "";
    public DateOnly PeriodStart { get; init; }
    public decimal? Value { get; init; }
    public decimal? BaseValue { get; init; }
    public decimal? Reduction { get; init; }
    public decimal? YoyChange { get; init; }
    public decimal? TargetReduction { get; init; }
    public decimal? Attainment { get; init; }
    public decimal? Coverage { get; init; }
    public string Status { get; init; } = "";
    public bool? TargetMet { get; init; }
    public string? TargetBasePeriod { get; init; }
    public string CategoryLabelZh { get; init; } = "";
    public string CategoryLabelEn { get; init; } = "";
    public string? StatusLabelZh { get; init; }
    public string? StatusLabelEn { get; init; }
}
