using Dapper;
using MetricsPipeline.Configuration;
using Npgsql;

namespace MetricsPipeline.Reporting;

/// <summary>
/// The indicators of one period as a self-contained HTML page: per category a trend chart against the base
/// and the target, the units one level down ranked by burden hours per FTE, and the strongest signals with
/// their evidence. Reads the warehouse into a <see cref="ReportModel"/>; the Razor page (Page/) lays it out.
/// </summary>
public sealed class IndicatorReport(NpgsqlDataSource warehouse)
{
    public Task<string> RenderAsync(ReportPeriod period, string? unit, CancellationToken cancellationToken) =>
        RenderAsync(period, unit, DisplayLanguage.Chinese, new ReportOptions(), cancellationToken);

    public async Task<string> RenderAsync(ReportPeriod period, string? unit, DisplayLanguage language, ReportOptions options,
        CancellationToken cancellationToken) =>
        await ReportRenderer.RenderAsync(await ReadAsync(period, unit, language, options, cancellationToken));

    public async Task<ReportModel> ReadAsync(ReportPeriod period, string? unit, DisplayLanguage language, ReportOptions options,
        CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        unit ??= await connection.ExecuteScalarAsync<string?>(new CommandDefinition(ReportSql.RootUnit, cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException("The warehouse has no org units yet: run run-once first.");
        var unitName = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT name FROM ref.units WHERE code = @unit", new { unit }, cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException($"Unit '{unit}' is not in ref.units.");

        var trend = (await connection.QueryAsync<TrendPoint>(new CommandDefinition(ReportSql.Trend,
            new { unit, kind = period.Kind, from = period.StepBack(TrendCharts.MaxPeriods - 1), to = period.Start },
            cancellationToken: cancellationToken))).ToList();
        var categories = (await connection.QueryAsync<CategoryLabel>(new CommandDefinition(ReportSql.Categories,
            cancellationToken: cancellationToken))).ToList();
        var ranking = (await connection.QueryAsync<RankingRow>(new CommandDefinition(ReportSql.Ranking,
            new { unit, kind = period.Kind, start = period.Start }, cancellationToken: cancellationToken))).ToList();
        var window = new { unit, start = period.Start, end = period.End, top = options.TopSignals };
        var signals = (await connection.QueryAsync<SignalRow>(new CommandDefinition(ReportSql.TopSignals, window,
            cancellationToken: cancellationToken))).ToList();
        var signalCount = await connection.ExecuteScalarAsync<int>(new CommandDefinition(ReportSql.SignalCount, window,
            cancellationToken: cancellationToken));
        var groupedCount = await connection.ExecuteScalarAsync<int>(new CommandDefinition(ReportSql.GroupedSignalCount, window,
            cancellationToken: cancellationToken));
        var computedAt = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT max(computed_at) FROM marts.period_coverage", cancellationToken: cancellationToken));
        return new ReportModel(period, unit, unitName, trend, categories, ranking, signals, signalCount, groupedCount, computedAt, language);
    }
}
