using MetricsPipeline.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

internal static class StatusCommand
{
    public static Task<int> RunAsync(FileInfo? config, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: false, async services =>
        {
            var queries = services.GetRequiredService<StatusQueries>();
            var streams = await queries.StreamsAsync(cancellationToken);
            var table = new Table().Title("Streams").AddColumns("Source", "Stream", "Last window", "Status", "Finished (UTC)", "Last success (UTC)", "Covered days", "Quarantined rows");
            foreach (var s in streams)
            {
                table.AddRow(Markup.Escape(s.Source), Markup.Escape(s.Stream) + (s.Active ? "" : " [grey](removed)[/]"),
                    s.LastFrom is null ? "-" : $"{s.LastFrom:yyyy-MM-dd}..{s.LastTo:yyyy-MM-dd}",
                    s.LastStatus switch { "succeeded" => "[green]succeeded[/]", null => "[grey]never run[/]", _ => "[red]" + Markup.Escape(s.LastStatus) + "[/]" },
                    s.LastFinishedAt?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-", s.LastSuccessAt?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-",
                    s.CoveredFrom is null ? "0" : $"{s.CoveredDays:N0} ({s.CoveredFrom:yyyy-MM-dd}..{s.CoveredTo:yyyy-MM-dd})",
                    s.QuarantinedRows.ToString("N0"));
            }
            AnsiConsole.Write(table);
            foreach (var s in streams.Where(s => s.LastStatus == "failed"))
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(s.Source)}/{Markup.Escape(s.Stream)}[/]: {Markup.Escape(s.LastError ?? "")}");

            StatusSourcesTable.Write(await services.GetRequiredService<SourceHealthQueries>().SourcesAsync(cancellationToken));

            var quarantine = await queries.QuarantineAsync(cancellationToken);
            if (quarantine.Count > 0)
            {
                var q = new Table().Title("Quarantine").AddColumns("Source", "Stream", "Reason", "Rows", "Groups");
                foreach (var row in quarantine)
                    q.AddRow(Markup.Escape(row.Source), Markup.Escape(row.Stream), Markup.Escape(row.Reason), row.Rows.ToString("N0"), row.Groups.ToString("N0"));
                AnsiConsole.Write(q);
            }
            var refreshed = await queries.IndicatorsRefreshedAtAsync(cancellationToken);
            AnsiConsole.MarkupLine($"Indicator values last changed: {(refreshed is null ? "never" : refreshed.Value.ToString("yyyy-MM-dd HH:mm:ss") + " UTC")}");
            // Loads queue their days; the marts catch up at the end of run-once/backfill and every RefreshInterval in the service.
            var backlog = await services.GetRequiredService<MetricsPipeline.Indicators.IndicatorRefresher>().BacklogAsync(cancellationToken);
            AnsiConsole.MarkupLine(backlog.Loads == 0
                ? "Indicator refresh: [green]current[/] (no load waiting)"
                : $"Indicator refresh: [yellow]{backlog.Loads:N0} loads waiting[/] since {backlog.OldestQueuedAt:yyyy-MM-dd HH:mm:ss} UTC " +
                  "(the service refreshes them every Pipeline:Indicators:RefreshInterval; run-once also does)");
            return VerbHost.Success;
        }, cancellationToken: cancellationToken);
}
