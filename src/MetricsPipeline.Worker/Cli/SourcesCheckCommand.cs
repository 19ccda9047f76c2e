using MetricsPipeline.Configuration;
using MetricsPipeline.Sources.Inspection;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

/// <summary><c>sources check</c>: onboarding a department. Reads the sources only; writes nothing anywhere.</summary>
internal static class SourcesCheckCommand
{
    public static Task<int> RunAsync(FileInfo? config, string? sourceName, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: true, async services =>
        {
            var options = services.GetRequiredService<IOptions<PipelineOptions>>().Value;
            var inspector = services.GetRequiredService<SourceInspector>();
            var all = PipelinePlan.CompileOrThrow(options);
            if (!SourceSelection.IsKnown(sourceName, all))
                return VerbHost.InvalidConfiguration;
            var sources = all.Where(s => sourceName is null || s.Name == sourceName).ToList();
            var knownUnits = OrgUnitsFile.Read(options.OrgUnits).Select(u => u.Code).ToHashSet(StringComparer.Ordinal);
            var failed = 0;
            foreach (var source in sources)
            {
                foreach (var stream in source.Streams)
                {
                    var inspection = await inspector.InspectAsync(source, stream, knownUnits, options.History.From, cancellationToken);
                    Render(inspection);
                    if (!inspection.Ok) failed++;
                }
            }
            AnsiConsole.MarkupLine(failed == 0 ? "[green]Every stream checked out.[/]" : $"[red]{failed} stream(s) have problems.[/]");
            return failed == 0 ? VerbHost.Success : VerbHost.Failed;
        }, usesWarehouse: false, cancellationToken: cancellationToken); // it reads the sources only: no warehouse needed

    private static void Render(StreamInspection i)
    {
        AnsiConsole.Write(new Rule($"{Markup.Escape(i.Source)}/{Markup.Escape(i.Stream)} ({Markup.Escape(i.Provider)}) {(i.Ok ? "[green]ok[/]" : "[red]problems[/]")}").LeftJustified());
        foreach (var problem in i.Problems)
            AnsiConsole.MarkupLine($"  [red]problem:[/] {Markup.Escape(problem)}");
        if (i.GeneratedQuery is not null)
            AnsiConsole.MarkupLine($"  [grey]aggregation sent to the source:[/] {Markup.Escape(i.GeneratedQuery)}");
        AnsiConsole.MarkupLine($"  sample: {Markup.Escape(i.SampleDescription)}, {i.SampleRows:N0} rows");
        if (i.Codes.Count > 0)
        {
            var codes = new Table().AddColumns("Code", "Category", "Rows");
            foreach (var c in i.Codes)
                codes.AddRow(Markup.Escape(c.Code ?? "(NULL)"), c.Category is null ? "[red]unmapped[/]" : Markup.Escape(c.Category), c.Rows.ToString("N0"));
            AnsiConsole.Write(codes);
        }
        if (i.UnknownUnits.Count > 0)
            AnsiConsole.MarkupLine($"  units not in the org tree: {Markup.Escape(string.Join(", ", i.UnknownUnits.Select(u => $"{u.Unit ?? "(NULL)"} ({u.Rows:N0} rows)")))}");
        if (i.Quarantine.Count > 0)
            AnsiConsole.MarkupLine($"  would be quarantined: {Markup.Escape(string.Join(", ", i.Quarantine.Select(q => $"{q.Key} {q.Value:N0}")))}");
        if (i.Yesterday.Count > 0)
        {
            var preview = new Table().Title("Yesterday").AddColumns("Category", "Measure", "Value");
            foreach (var p in i.Yesterday)
                preview.AddRow(Markup.Escape(p.Category), Markup.Escape(p.Measure), p.Value.ToString("N0"));
            AnsiConsole.Write(preview);
        }
        else
        {
            AnsiConsole.MarkupLine("  yesterday: no rows");
        }
    }
}
