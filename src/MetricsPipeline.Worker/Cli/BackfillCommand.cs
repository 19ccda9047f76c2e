using MetricsPipeline.Pipeline;
using MetricsPipeline.Worker.Cli.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Worker.Cli;

internal static class BackfillCommand
{
    public static Task<int> RunAsync(FileInfo? config, DateOnly from, DateOnly to, string? source, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: true, async services =>
        {
            if (to < from)
            {
                Console.Error.WriteLine($"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}");
                return VerbHost.InvalidConfiguration;
            }
            var runner = services.GetRequiredService<PipelineRunner>();
            if (!SourceSelection.IsKnown(source, runner.Sources))
                return VerbHost.InvalidConfiguration;
            var results = await RunProgressDisplay.RunAsync(services, progress =>
                runner.RunAsync(RunRequest.Backfill(from, to), source, progress, cancellationToken, refreshProgress: progress));
            RunSummaryTable.Write(results, ReaderSettings.Language(services));
            return results.All(r => r.Succeeded) ? VerbHost.Success : VerbHost.Failed;
        }, cancellationToken: cancellationToken);
}
