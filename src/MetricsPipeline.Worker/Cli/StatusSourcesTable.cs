using System.Globalization;
using MetricsPipeline.Warehouse;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

/// <summary>
/// The status verb's per-source health: freshness against ExpectedFreshness (stale sources flagged), last
/// success, and the circuit breaker as the source's last run left it (live per-node values are in metrics).
/// </summary>
internal static class StatusSourcesTable
{
    public static void Write(IReadOnlyList<SourceHealth> sources)
    {
        if (sources.Count == 0)
            return;
        var table = new Table().Title("Sources")
            .AddColumns("Source", "Freshness", "Data as of (UTC)", "Lag", "Expected", "Last success (UTC)", "Last run", "Breaker (last run)");
        foreach (var s in sources)
        {
            var freshness = !s.Stale ? "[green]fresh[/]"
                : s.NeverPulled ? $"[red]STALE[/] (never pulled{(s.Streams > 1 ? $", {s.StaleStreams} of {s.Streams} streams stale" : "")})"
                : $"[red]STALE[/]{(s.Streams > 1 ? $" ({s.StaleStreams} of {s.Streams} streams)" : "")}";
            table.AddRow(Markup.Escape(s.Source), freshness, Time(s.DataAsOf), s.Lag is { } lag ? Duration(lag) : "-", Duration(s.ExpectedFreshness),
                Time(s.LastSuccessAt), s.LastRunStatus switch { null => "[grey]none[/]", "succeeded" => "[green]succeeded[/]", var other => $"[red]{Markup.Escape(other)}[/]" },
                s.BreakerState switch { null => "-", "closed" => "closed", var other => $"[red]{Markup.Escape(other)}[/]" });
        }
        AnsiConsole.Write(table);
    }

    private static string Time(DateTime? value) => value?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    private static string Duration(TimeSpan span) => span.TotalDays >= 1
        ? $"{(int)span.TotalDays}d {span.Hours}h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m" : $"{Math.Max(0, (int)span.TotalMinutes)}m";
}
