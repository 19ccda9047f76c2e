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
            Console.Error.WriteLine(ex.Message);
            return Task.FromResult(VerbHost.InvalidConfiguration);
        }
        return VerbHost.RunAsync(config, validatePipeline: false, async services =>
        {
            string html;
            try
            {
                html = await new IndicatorReport(services.GetRequiredService<NpgsqlDataSource>()).RenderAsync(period, unit, cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return VerbHost.Failed;
            }
            await File.WriteAllTextAsync(output.FullName, html, cancellationToken);
            Console.WriteLine($"Wrote {output.FullName} ({period.Label}, {html.Length:N0} characters; open it in any browser, it needs no network).");
            return VerbHost.Success;
        });
    }
}
