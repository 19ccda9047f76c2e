using System.Globalization;
using System.Net;
using System.Text;
using Dapper;
using Npgsql;

namespace MetricsPipeline.Reporting;

/// <summary>
/// The indicators of one period as a self-contained HTML page: per category a trend chart of the last
/// periods against the base and the target, a ranking of units by burden hours per FTE, and the signals
/// with their evidence. Charts are inline SVG drawn here; the page has no script and loads nothing.
/// </summary>
public sealed class IndicatorReport(NpgsqlDataSource warehouse)
{
    private const int TrendPeriods = 8;

    public sealed record TrendPoint(string Category, DateOnly PeriodStart, decimal? Value, decimal? BaseValue,
        decimal? Reduction, decimal? TargetReduction, string? TargetSource, string Status);

    public sealed record RankingRow(string UnitCode, string UnitName, string UnitLevel, decimal? Hours, long? SubtreeHeadcount,
        decimal? HoursPerFte, decimal? ShareOfWorkingTime, decimal? BurdenIndex, string Status);

    public sealed record SignalRow(string Signal, string UnitCode, string? UnitName, DateOnly PeriodStart, DateOnly StartedOn,
        decimal Score, string Summary, string? Evidence);

    public async Task<string> RenderAsync(ReportPeriod period, string? unit, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        unit ??= await connection.ExecuteScalarAsync<string?>(new CommandDefinition("""
            SELECT code FROM ref.units WHERE parent_code IS NULL AND active
            ORDER BY array_position(ARRAY['province', 'city', 'county', 'township', 'village'], level), code LIMIT 1
            """, cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException("The warehouse has no org units yet: run run-once first.");
        var unitName = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT name FROM ref.units WHERE code = @unit", new { unit }, cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException($"Unit '{unit}' is not in ref.units.");

        var trend = (await connection.QueryAsync<TrendPoint>(new CommandDefinition("""
            SELECT category AS Category, period_start AS PeriodStart, value AS Value, base_value AS BaseValue,
                   reduction AS Reduction, target_reduction AS TargetReduction, target_source AS TargetSource, status AS Status
            FROM marts.indicators
            WHERE unit_code = @unit AND measure = 'count' AND period_kind = @kind
              AND period_start BETWEEN @from AND @to
            ORDER BY category, period_start
            """, new { unit, kind = period.Kind, from = period.StepBack(TrendPeriods - 1), to = period.Start },
            cancellationToken: cancellationToken))).ToList();

        var ranking = (await connection.QueryAsync<RankingRow>(new CommandDefinition("""
            SELECT b.unit_code AS UnitCode, b.unit_name AS UnitName, b.unit_level AS UnitLevel, b.hours AS Hours,
                   b.subtree_headcount AS SubtreeHeadcount, b.hours_per_fte AS HoursPerFte,
                   b.share_of_working_time AS ShareOfWorkingTime, b.burden_index AS BurdenIndex, b.status AS Status
            FROM marts.burden_hours_by_unit b
            JOIN marts.unit_tree t ON t.descendant_code = b.unit_code AND t.ancestor_code = @unit AND t.depth > 0
            WHERE b.period_kind = @kind AND b.period_start = @start
              AND b.unit_level = (SELECT level FROM ref.units u JOIN marts.unit_tree t2 ON t2.descendant_code = u.code
                                  WHERE t2.ancestor_code = @unit AND t2.depth > 0 AND u.level IN ('township', 'county', 'village')
                                  ORDER BY array_position(ARRAY['township', 'county', 'village'], u.level) LIMIT 1)
            ORDER BY b.hours_per_fte DESC NULLS LAST, b.unit_code
            """, new { unit, kind = period.Kind, start = period.Start }, cancellationToken: cancellationToken))).ToList();

        var signals = (await connection.QueryAsync<SignalRow>(new CommandDefinition("""
            SELECT s.signal AS Signal, s.unit_code AS UnitCode, s.unit_name AS UnitName, s.period_start AS PeriodStart,
                   s.started_on AS StartedOn, s.score AS Score, s.summary AS Summary, s.evidence AS Evidence
            FROM marts.signals_with_evidence s
            JOIN marts.unit_tree t ON t.descendant_code = s.unit_code AND t.ancestor_code = @unit
            WHERE s.period_start <= @end AND s.period_end >= @start
            ORDER BY s.score DESC, s.unit_code, s.signal
            """, new { unit, start = period.Start, end = period.End }, cancellationToken: cancellationToken))).ToList();

        var computedAt = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT max(computed_at) FROM marts.period_coverage", cancellationToken: cancellationToken));
        return Render(period, unit, unitName, trend, ranking, signals, computedAt);
    }

    public static string Render(ReportPeriod period, string unit, string unitName, IReadOnlyList<TrendPoint> trend,
        IReadOnlyList<RankingRow> ranking, IReadOnlyList<SignalRow> signals, DateTime? computedAt)
    {
        var html = new StringBuilder();
        var computed = computedAt is { } at ? at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "never";
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Burden indicators {{E(period.Label)}}: {{E(unitName)}}</title>
            <style>
            body { font-family: "Noto Sans", "Noto Sans CJK SC", Arial, sans-serif; margin: 24px; color: #1f2933; max-width: 1100px; }
            h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #cbd2d9; }
            .meta { color: #616e7c; font-size: 13px; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px; }
            figure { margin: 0; border: 1px solid #e4e7eb; padding: 8px; border-radius: 4px; }
            figcaption { font-size: 13px; font-weight: 600; }
            table { border-collapse: collapse; font-size: 13px; } th, td { border-bottom: 1px solid #e4e7eb; padding: 4px 8px; text-align: left; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            .status-ok { color: #1f7a3a; } .status-other { color: #a35e00; }
            .legend span { margin-right: 12px; font-size: 12px; }
            </style></head><body>
            <h1>Reporting burden: {{E(unitName)}} ({{E(unit)}}), {{E(period.Label)}}</h1>
            <p class="meta">Period {{period.Start:yyyy-MM-dd}} to {{period.End:yyyy-MM-dd}} ({{E(period.Kind)}}). Values include the whole subtree.
            Indicators computed {{computed}}.
            A missing number is not zero: its status says why.</p>
            <h2 id="trends">Trend against base and target</h2>
            <p class="legend"><span style="color:#1f5fbf">&#9632; value</span><span style="color:#7b8794">&#9632; base period</span><span style="color:#c0392b">&#9632; target (base &#215; (1 &#8722; target))</span></p>
            <div class="charts">
            """);
        foreach (var group in trend.GroupBy(t => t.Category))
            html.Append(TrendChart(group.Key, group.ToList(), period));
        if (trend.Count == 0)
            html.Append("<p>No indicators for this period yet.</p>");
        html.Append("</div>\n");

        html.Append("""<h2 id="ranking">Ranking by burden hours per FTE</h2>""");
        if (ranking.Count == 0)
            html.Append("<p>No burden hours for this period yet.</p>");
        else
        {
            html.Append(RankingChart(ranking));
            html.Append("<table><thead><tr><th>#</th><th>Unit</th><th>Burden hours</th><th>FTE</th><th>Hours per FTE</th><th>Share of working time</th><th>Burden index (base = 100)</th><th>Status</th></tr></thead><tbody>");
            var rank = 0;
            foreach (var r in ranking)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{++rank}</td><td>{E(r.UnitName)} ({E(r.UnitCode)})</td><td class=\"num\">{N(r.Hours, 1)}</td><td class=\"num\">{r.SubtreeHeadcount}</td><td class=\"num\">{N(r.HoursPerFte, 2)}</td><td class=\"num\">{P(r.ShareOfWorkingTime, 2)}</td><td class=\"num\">{N(r.BurdenIndex, 1)}</td><td>{Status(r.Status)}</td></tr>");
            }
            html.Append("</tbody></table>\n");
        }

        html.Append("""<h2 id="signals">Disguised-burden signals</h2>""");
        if (signals.Count == 0)
            html.Append("<p>No signal fired in this period.</p>");
        else
        {
            html.Append("<table><thead><tr><th>Signal</th><th>Unit</th><th>Period</th><th>Since</th><th>Score</th><th>What moved</th><th>Evidence</th></tr></thead><tbody>");
            foreach (var s in signals)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Signal)}</td><td>{E(s.UnitName ?? s.UnitCode)} ({E(s.UnitCode)})</td><td>{s.PeriodStart:yyyy-MM-dd}</td><td>{s.StartedOn:yyyy-MM-dd}</td><td class=\"num\">{N(s.Score, 2)}</td><td>{E(s.Summary)}</td><td>{E(s.Evidence ?? "")}</td></tr>");
            }
            html.Append("</tbody></table>\n");
        }
        html.Append("""<p class="meta">Generated by metrics-pipeline report. Definitions: README, section Indicators.</p></body></html>""");
        return html.ToString();
    }

    private static string TrendChart(string category, List<TrendPoint> points, ReportPeriod period)
    {
        const int width = 340, height = 180, left = 44, right = 10, top = 10, bottom = 28;
        var max = points.SelectMany(p => new[] { p.Value, p.BaseValue }).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        if (max <= 0) max = 1;
        var starts = Enumerable.Range(0, TrendPeriods).Select(i => period.StepBack(TrendPeriods - 1 - i)).ToList();
        double X(DateOnly start) => left + (width - left - right) * (starts.IndexOf(start) / (double)(TrendPeriods - 1));
        double Y(decimal v) => top + (height - top - bottom) * (1 - (double)(v / max));
        string Line(IEnumerable<(DateOnly Start, decimal? V)> values, string color, string dash, string cssClass) =>
            $"<polyline class=\"{cssClass}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"" +
            string.Join(' ', values.Where(v => v.V is not null && starts.Contains(v.Start))
                .Select(v => string.Create(CultureInfo.InvariantCulture, $"{X(v.Start):0.#},{Y(v.V!.Value):0.#}"))) + "\"/>";

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure><figcaption>{E(category)}</figcaption><svg class=\"trend\" role=\"img\" aria-label=\"{E(category)} trend\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"#9aa5b1\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#9aa5b1\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{top + 8}\" font-size=\"10\" text-anchor=\"end\">{max:0.##}</text><text x=\"{left - 4}\" y=\"{height - bottom}\" font-size=\"10\" text-anchor=\"end\">0</text>");
        foreach (var (start, index) in starts.Select((s, i) => (s, i)).Where(x => x.i % 2 == (TrendPeriods - 1) % 2))
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(start):0.#}\" y=\"{height - 10}\" font-size=\"9\" text-anchor=\"middle\">{Label(period.Kind, start)}</text>");
        svg.Append(Line(points.Select(p => (p.PeriodStart, p.BaseValue)), "#7b8794", "4 3", "base"));
        svg.Append(Line(points.Select(p => (p.PeriodStart, p.BaseValue is { } b && p.TargetReduction is { } t ? b * (1 - t) : (decimal?)null)), "#c0392b", "2 2", "target"));
        svg.Append(Line(points.Select(p => (p.PeriodStart, p.Value)), "#1f5fbf", "", "value"));
        foreach (var p in points.Where(p => p.Value is not null))
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.PeriodStart):0.#}\" cy=\"{Y(p.Value!.Value):0.#}\" r=\"3\" fill=\"{(p.Status == "ok" ? "#1f5fbf" : "#ffffff")}\" stroke=\"#1f5fbf\"><title>{E(Label(period.Kind, p.PeriodStart))}: {p.Value:0.##} ({E(p.Status)})</title></circle>");
        svg.Append("</svg>");
        var current = points.LastOrDefault(p => p.PeriodStart == period.Start);
        svg.Append(CultureInfo.InvariantCulture, $"<div class=\"meta\">{E(period.Label)}: {N(current?.Value, 0)} vs base {N(current?.BaseValue, 0)}; reduction {P(current?.Reduction, 1)}; target {P(current?.TargetReduction, 0)}; {Status(current?.Status ?? "no data")}</div></figure>\n");
        return svg.ToString();
    }

    private static string RankingChart(IReadOnlyList<RankingRow> ranking)
    {
        var rows = ranking.Where(r => r.HoursPerFte is not null).Take(15).ToList();
        if (rows.Count == 0)
            return "";
        const int barHeight = 18, labelWidth = 160, chartWidth = 420;
        var max = rows.Max(r => r.HoursPerFte!.Value);
        if (max <= 0) max = 1;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"ranking\" role=\"img\" aria-label=\"ranking\" width=\"{labelWidth + chartWidth + 110}\" height=\"{rows.Count * (barHeight + 4) + 4}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var y = 4 + i * (barHeight + 4);
            var w = (double)(rows[i].HoursPerFte!.Value / max) * chartWidth;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + 13}\" font-size=\"12\" text-anchor=\"end\">{E(rows[i].UnitName)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{w:0.#}\" height=\"{barHeight}\" fill=\"#3e7cb1\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + w + 4:0.#}\" y=\"{y + 13}\" font-size=\"12\">{rows[i].HoursPerFte:0.##} h/FTE</text>");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Label(string kind, DateOnly start) => kind switch
    {
        "year" => start.Year.ToString(CultureInfo.InvariantCulture),
        "quarter" => string.Create(CultureInfo.InvariantCulture, $"{start.Year}-Q{(start.Month + 2) / 3}"),
        "month" => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(start.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(start.ToDateTime(TimeOnly.MinValue)):00}"),
    };

    private static string Status(string status) =>
        $"<span class=\"{(status == "ok" ? "status-ok" : "status-other")}\">{E(status)}</span>";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(decimal? value, int decimals) =>
        value is null ? "&#8211;" : Math.Round(value.Value, decimals).ToString("N" + decimals, CultureInfo.InvariantCulture);

    private static string P(decimal? fraction, int decimals) =>
        fraction is null ? "&#8211;" : (Math.Round(fraction.Value * 100, decimals)).ToString("N" + decimals, CultureInfo.InvariantCulture) + "%";
}
