using System.Globalization;
using MetricsPipeline.Configuration;
using MetricsPipeline.Warehouse;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

/// <summary>
/// The status verb's per-source health: freshness against ExpectedFreshness (stale sources flagged), last
/// success, and the circuit breaker as the source's last run left it (live per-node values are in metrics).
/// </summary>
internal static class StatusSourcesTable
{
    public static void Write(IReadOnlyList<SourceHealth> sources, DisplayLanguage language)
    {
        if (sources.Count == 0)
            return;
        var table = new Table().Title(language.Pick("数据源", "Sources")).AddColumns(
            language.Pick("数据源", "Source"), language.Pick("新鲜度", "Freshness"), language.Pick("数据截至 (UTC)", "Data as of (UTC)"),
            language.Pick("滞后", "Lag"), language.Pick("期望", "Expected"), language.Pick("最近成功 (UTC)", "Last success (UTC)"),
            language.Pick("最近运行", "Last run"), language.Pick("熔断器(最近运行)", "Breaker (last run)"));
        foreach (var s in sources)
        {
            var streams = s.Streams > 1
                ? language.Pick($"{s.Streams} 个数据流中 {s.StaleStreams} 个过期", $"{s.StaleStreams} of {s.Streams} streams stale")
                : null;
            var freshness = !s.Stale ? language.Pick("[green]新鲜[/]", "[green]fresh[/]")
                : s.NeverPulled ? language.Pick($"[red]过期[/](从未拉取{(streams is null ? "" : $",{streams}")})", $"[red]STALE[/] (never pulled{(streams is null ? "" : $", {streams}")})")
                : language.Pick("[red]过期[/]", "[red]STALE[/]") + (streams is null ? "" : language.Pick($"({streams})", $" ({streams})"));
            table.AddRow(Markup.Escape(s.Source), freshness, Time(s.DataAsOf), s.Lag is { } lag ? Duration(lag) : "-", Duration(s.ExpectedFreshness),
                Time(s.LastSuccessAt), s.LastRunStatus is null ? language.Pick("[grey]无[/]", "[grey]none[/]") : StatusCommand.RunStatus(s.LastRunStatus, language),
                s.BreakerState switch { null => "-", "closed" => language.Pick("闭合", "closed"), var other => $"[red]{Markup.Escape(other)}[/]" });
        }
        AnsiConsole.Write(table);
    }

    private static string Time(DateTime? value) => value?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    private static string Duration(TimeSpan span) => span.TotalDays >= 1
        ? $"{(int)span.TotalDays}d {span.Hours}h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m" : $"{Math.Max(0, (int)span.TotalMinutes)}m";
}
