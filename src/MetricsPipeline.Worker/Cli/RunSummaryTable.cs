using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

/// <summary>The summary run-once and backfill print: one line per stream, then the failures in full.</summary>
internal static class RunSummaryTable
{
    public static void Write(IReadOnlyList<SourceRunResult> results, DisplayLanguage language)
    {
        var table = new Table().Title(language.Pick("运行汇总", "Run summary")).AddColumns(
            language.Pick("数据源", "Source"), language.Pick("数据流", "Stream"), language.Pick("窗口", "Windows"),
            language.Pick("源行数", "Source rows"), language.Pick("入事实表", "In facts"), language.Pick("隔离", "Quarantined"),
            language.Pick("写入事实", "Facts written"), language.Pick("删除事实", "Facts deleted"), language.Pick("结果", "Result"));
        foreach (var source in results)
        {
            if (source.Streams.Count == 0)
                table.AddRow(Markup.Escape(source.Source), "-", "0", "", "", "", "", "", Result(source.Error, language));
            foreach (var stream in source.Streams)
            {
                var w = stream.Windows;
                table.AddRow(Markup.Escape(source.Source), Markup.Escape(stream.Stream), w.Count.ToString(),
                    w.Sum(x => x.Counts.SourceRows).ToString("N0"), w.Sum(x => x.Counts.FactRows).ToString("N0"),
                    w.Sum(x => x.Counts.QuarantinedRows).ToString("N0"), w.Sum(x => x.FactsWritten).ToString("N0"),
                    w.Sum(x => x.FactsDeleted).ToString("N0"), Result(stream.Error, language));
            }
        }
        AnsiConsole.Write(table);
        var failed = results.Where(r => !r.Succeeded).ToList();
        AnsiConsole.MarkupLine(failed.Count == 0
            ? language.Pick($"[green]{results.Count} 个数据源全部成功。[/]", $"[green]{results.Count} source(s) succeeded.[/]")
            : language.Pick($"[red]{results.Count} 个数据源中 {failed.Count} 个失败:[/]", $"[red]{failed.Count} of {results.Count} source(s) failed:[/]"));
        foreach (var f in failed)
            AnsiConsole.MarkupLine($"  [red]{Markup.Escape(f.Source)}[/]: {Markup.Escape(f.Error ?? "")}");
    }

    private static string Result(string? error, DisplayLanguage language) =>
        error is null ? language.Pick("[green]成功[/]", "[green]ok[/]") : language.Pick("[red]失败[/]", "[red]failed[/]");
}
