using MetricsPipeline.Pipeline;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

/// <summary>The summary run-once and backfill print: one line per stream, then the failures in full.</summary>
internal static class RunSummaryTable
{
    public static void Write(IReadOnlyList<SourceRunResult> results)
    {
        var table = new Table().Title("Run summary").AddColumns("Source", "Stream", "Windows", "Source rows", "In facts", "Quarantined", "Facts written", "Facts deleted", "Result");
        foreach (var source in results)
        {
            if (source.Streams.Count == 0)
                table.AddRow(Markup.Escape(source.Source), "-", "0", "", "", "", "", "", Result(source.Error));
            foreach (var stream in source.Streams)
            {
                var w = stream.Windows;
                table.AddRow(Markup.Escape(source.Source), Markup.Escape(stream.Stream), w.Count.ToString(),
                    w.Sum(x => x.Counts.SourceRows).ToString("N0"), w.Sum(x => x.Counts.FactRows).ToString("N0"),
                    w.Sum(x => x.Counts.QuarantinedRows).ToString("N0"), w.Sum(x => x.FactsWritten).ToString("N0"),
                    w.Sum(x => x.FactsDeleted).ToString("N0"), Result(stream.Error));
            }
        }
        AnsiConsole.Write(table);
        var failed = results.Where(r => !r.Succeeded).ToList();
        AnsiConsole.MarkupLine(failed.Count == 0
            ? $"[green]{results.Count} source(s) succeeded.[/]"
            : $"[red]{failed.Count} of {results.Count} source(s) failed:[/]");
        foreach (var f in failed)
            AnsiConsole.MarkupLine($"  [red]{Markup.Escape(f.Source)}[/]: {Markup.Escape(f.Error ?? "")}");
    }

    private static string Result(string? error) => error is null ? "[green]ok[/]" : "[red]failed[/]";
}
