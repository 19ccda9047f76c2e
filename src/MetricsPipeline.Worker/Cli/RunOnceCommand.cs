using MetricsPipeline.Pipeline;
using MetricsPipeline.Worker.Cli.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Worker.Cli;

internal static class RunOnceCommand
{
    public static Task<int> RunAsync(FileInfo? config, string? source, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: true, async services =>
        {
            var runner = services.GetRequiredService<PipelineRunner>();
            if (!SourceSelection.IsKnown(source, runner.Sources))
                return VerbHost.InvalidConfiguration;
            var results = await RunProgressDisplay.RunAsync(services, progress =>
                runner.RunAsync(RunRequest.RunOnce, source, progress, cancellationToken, refreshProgress: progress));
            RunSummaryTable.Write(results, ReaderSettings.Language(services));
            return results.All(r => r.Succeeded) ? VerbHost.Success : VerbHost.Failed;
        }, cancellationToken: cancellationToken);
}
