using System.Globalization;
using MetricsPipeline.Indicators;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

internal static class IndicatorsCommand
{
    public static Task<int> RunAsync(FileInfo? config, string period, string? unit, string measure, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: false, async services =>
        {
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
            var table = new Table()
                .Title($"{(period == "month" ? "Monthly" : "Yearly")} indicators for {Markup.Escape(rows[0].UnitName)} ({Markup.Escape(unit)}) and its subtree")
                .AddColumns("Category", "Measure", "Period", "Value", "Base", "Reduction", "YoY", "Target", "Attainment", "Coverage", "Status");
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.Category), Markup.Escape(r.Measure),
                    period == "month" ? r.PeriodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture) : r.PeriodStart.Year.ToString(CultureInfo.InvariantCulture),
                    Number(r.Value), Number(r.BaseValue), Percent(r.Reduction), Percent(r.YoyChange), Percent(r.TargetReduction),
                    Percent(r.Attainment), Percent(r.Coverage), r.Status == "ok" ? "[green]ok[/]" : $"[yellow]{Markup.Escape(r.Status)}[/]");
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("Reduction = 1 - value / base (same season of the base year); a blank number is undefined, and Status says why.");
            return VerbHost.Success;
        }, cancellationToken: cancellationToken);

    private static string Number(decimal? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "";

    private static string Percent(decimal? value) => value is null ? "" : (value.Value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
