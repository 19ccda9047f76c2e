using MetricsPipeline.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MetricsPipeline.Worker.Cli;

internal static class ReportCommand
{
    public static Task<int> RunAsync(FileInfo? config, string periodText, FileInfo output, string? unit, CancellationToken cancellationToken)
    {
        ReportPeriod period;
        try
        {
            period = ReportPeriod.Parse(periodText);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"--period: {ex.Message}");
            return Task.FromResult(VerbHost.InvalidConfiguration);
        }
        // Checked before the warehouse is asked anything: a wrong --out is a usage error.
        if (output.Directory is { Exists: false } folder)
        {
            Console.Error.WriteLine($"--out: the folder '{folder.FullName}' does not exist; create it or write the report elsewhere.");
            return Task.FromResult(VerbHost.InvalidConfiguration);
        }
        if (Directory.Exists(output.FullName))
        {
            Console.Error.WriteLine($"--out: '{output.FullName}' is a folder; give the path of the HTML file to write, e.g. {Path.Combine(output.FullName, "report.html")}.");
            return Task.FromResult(VerbHost.InvalidConfiguration);
        }
        return VerbHost.RunAsync(config, validatePipeline: false, async services =>
        {
            string html;
            try
            {
                var settings = ReaderSettings.Read(services);
                html = await new IndicatorReport(services.GetRequiredService<NpgsqlDataSource>())
                    .RenderAsync(period, unit, settings.Language, settings.Report, cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return VerbHost.Failed;
            }
            try
            {
                await File.WriteAllTextAsync(output.FullName, html, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"--out: could not write '{output.FullName}': {ex.Message} Choose a file this account may write.");
                return VerbHost.Failed;
            }
            Console.WriteLine($"Wrote {output.FullName} ({period.Label}, {html.Length:N0} characters; open it in any browser, it needs no network).");
            return VerbHost.Success;
        }, cancellationToken: cancellationToken);
    }
}
