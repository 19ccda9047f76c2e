using System.Globalization;
using MetricsPipeline.Indicators;
using MetricsPipeline.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

internal static class IndicatorsCommand
{
    public static Task<int> RunAsync(FileInfo? config, string period, string? unit, string measure, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: false, async services =>
        {
            var language = ReaderSettings.Language(services);
            var queries = services.GetRequiredService<IndicatorQueries>();
            unit ??= await queries.RootUnitAsync(cancellationToken);
            if (unit is null)
            {
                Console.Error.WriteLine("The warehouse has no org units yet: run run-once first.");
                return VerbHost.Failed;
            }
            var rows = (await queries.ForUnitAsync(unit, period, months: 12, cancellationToken))
                .Where(r => measure == "all" || r.Measure == measure).ToList();
            if (rows.Count == 0)
            {
                Console.Error.WriteLine($"No {period} indicators of measure '{measure}' for unit '{unit}' yet: run run-once first, or check --unit and --measure.");
                return VerbHost.Failed;
            }
            var title = language.Pick(
                $"{Markup.Escape(rows[0].UnitName)}({Markup.Escape(unit)})及下辖单位{(period == "month" ? "月度" : "年度")}指标",
                $"{(period == "month" ? "Monthly" : "Yearly")} indicators for {Markup.Escape(rows[0].UnitName)} ({Markup.Escape(unit)}) and its subtree");
            var table = new Table().Title(title).AddColumns(
                language.Pick("类别", "Category"), language.Pick("计量", "Measure"), language.Pick("期间", "Period"),
                language.Pick("数值", "Value"), language.Pick("基期", "Base"), language.Pick("减幅", "Reduction"),
                language.Pick("同比", "YoY"), language.Pick("目标", "Target"), language.Pick("完成度", "Attainment"),
                language.Pick("覆盖率", "Coverage"), language.Pick("结论", "Verdict"));
            foreach (var r in rows)
            {
                var verdict = Verdict.Of(r.Status, language.Pick(r.StatusLabelZh ?? r.Status, r.StatusLabelEn ?? r.Status),
                    r.TargetReduction, r.TargetMet, r.TargetBasePeriod, language);
                table.AddRow(Markup.Escape(language.Pick(r.CategoryLabelZh, r.CategoryLabelEn)) + $" [grey]{Markup.Escape(r.Category)}[/]",
                    Markup.Escape(r.Measure),
                    period == "month" ? r.PeriodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture) : r.PeriodStart.Year.ToString(CultureInfo.InvariantCulture),
                    Number(r.Value), Number(r.BaseValue), Percent(r.Reduction), Percent(r.YoyChange), Percent(r.TargetReduction),
                    Percent(r.Attainment), Percent(r.Coverage), Coloured(verdict));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(language.Pick(
                "减幅 = 1 - 数值 / 基期值(基期年同一季节);数字空白表示无法计算,结论栏说明原因。",
                "Reduction = 1 - value / base (same season of the base year); a blank number is undefined, and Verdict says why."));
            return VerbHost.Success;
        }, cancellationToken: cancellationToken);

    /// <summary>Green only for a target met, red for one missed, grey where nothing could be computed.</summary>
    private static string Coloured(Verdict verdict) => verdict.Kind switch
    {
        VerdictKind.Met => $"[green]{Markup.Escape(verdict.Text)}[/]",
        VerdictKind.NotMet => $"[red]{Markup.Escape(verdict.Text)}[/]",
        VerdictKind.NotComputable => $"[grey]{Markup.Escape(verdict.Text)}[/]",
        _ => Markup.Escape(verdict.Text),
    };

    private static string Number(decimal? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "";

    private static string Percent(decimal? value) => value is null ? "" : (value.Value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
