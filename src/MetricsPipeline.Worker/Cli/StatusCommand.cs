using MetricsPipeline.Configuration;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

internal static class StatusCommand
{
    public static Task<int> RunAsync(FileInfo? config, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: false, async services =>
        {
            var language = ReaderSettings.Language(services);
            var queries = services.GetRequiredService<StatusQueries>();
            var streams = await queries.StreamsAsync(cancellationToken);
            var table = new Table().Title(language.Pick("数据流", "Streams")).AddColumns(
                language.Pick("数据源", "Source"), language.Pick("数据流", "Stream"), language.Pick("最近窗口", "Last window"),
                language.Pick("状态", "Status"), language.Pick("完成时间 (UTC)", "Finished (UTC)"), language.Pick("最近成功 (UTC)", "Last success (UTC)"),
                language.Pick("覆盖天数", "Covered days"), language.Pick("隔离行数", "Quarantined rows"));
            foreach (var s in streams)
            {
                table.AddRow(Markup.Escape(s.Source), Markup.Escape(s.Stream) + (s.Active ? "" : language.Pick(" [grey](已移除)[/]", " [grey](removed)[/]")),
                    s.LastFrom is null ? "-" : $"{s.LastFrom:yyyy-MM-dd}..{s.LastTo:yyyy-MM-dd}",
                    RunStatus(s.LastStatus, language),
                    s.LastFinishedAt?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-", s.LastSuccessAt?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-",
                    s.CoveredFrom is null ? "0" : $"{s.CoveredDays:N0} ({s.CoveredFrom:yyyy-MM-dd}..{s.CoveredTo:yyyy-MM-dd})",
                    s.QuarantinedRows.ToString("N0"));
            }
            AnsiConsole.Write(table);
            foreach (var s in streams.Where(s => s.LastStatus == "failed"))
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(s.Source)}/{Markup.Escape(s.Stream)}[/]: {Markup.Escape(s.LastError ?? "")}");

            StatusSourcesTable.Write(await services.GetRequiredService<SourceHealthQueries>().SourcesAsync(cancellationToken), language);

            var quarantine = await queries.QuarantineAsync(cancellationToken);
            if (quarantine.Count > 0)
            {
                var q = new Table().Title(language.Pick("隔离区", "Quarantine")).AddColumns(
                    language.Pick("数据源", "Source"), language.Pick("数据流", "Stream"), language.Pick("原因", "Reason"),
                    language.Pick("行数", "Rows"), language.Pick("分组数", "Groups"));
                foreach (var row in quarantine)
                    q.AddRow(Markup.Escape(row.Source), Markup.Escape(row.Stream), Markup.Escape(row.Reason), row.Rows.ToString("N0"), row.Groups.ToString("N0"));
                AnsiConsole.Write(q);
            }
            var refreshed = await queries.IndicatorsRefreshedAtAsync(cancellationToken);
            var refreshedText = refreshed is null ? language.Pick("从未", "never") : refreshed.Value.ToString("yyyy-MM-dd HH:mm:ss") + " UTC";
            AnsiConsole.MarkupLine(language.Pick($"指标值最近变化:{refreshedText}", $"Indicator values last changed: {refreshedText}"));
            // Loads queue their days; the marts catch up at the end of run-once/backfill and every RefreshInterval in the service.
            var backlog = await services.GetRequiredService<MetricsPipeline.Indicators.IndicatorRefresher>().BacklogAsync(cancellationToken);
            AnsiConsole.MarkupLine(backlog.Loads == 0
                ? language.Pick("指标刷新:[green]已是最新[/](无待处理的加载)", "Indicator refresh: [green]current[/] (no load waiting)")
                : language.Pick(
                    $"指标刷新:[yellow]{backlog.Loads:N0} 次加载待处理[/],最早于 {backlog.OldestQueuedAt:yyyy-MM-dd HH:mm:ss} UTC" +
                    "(服务每隔 Pipeline:Indicators:RefreshInterval 刷新一次;run-once 也会刷新)",
                    $"Indicator refresh: [yellow]{backlog.Loads:N0} loads waiting[/] since {backlog.OldestQueuedAt:yyyy-MM-dd HH:mm:ss} UTC " +
                    "(the service refreshes them every Pipeline:Indicators:RefreshInterval; run-once also does)"));
            return VerbHost.Success;
        }, cancellationToken: cancellationToken);

    /// <summary>The ledger's window status (ops.windows.status), in the reader's words.</summary>
    internal static string RunStatus(string? status, DisplayLanguage language) => status switch
    {
        "succeeded" => language.Pick("[green]成功[/]", "[green]succeeded[/]"),
        null => language.Pick("[grey]从未运行[/]", "[grey]never run[/]"),
        "failed" => language.Pick("[red]失败[/]", "[red]failed[/]"),
        _ => "[red]" + Markup.Escape(status) + "[/]",
    };
}
