using MetricsPipeline.Worker.Hosting;
using MetricsPipeline.Worker.Scheduling;
using Microsoft.Extensions.Hosting;

namespace MetricsPipeline.Worker.Cli;

internal static class ServeCommand
{
    public static async Task<int> RunAsync(FileInfo? config, CancellationToken cancellationToken)
    {
        return await VerbHost.RunAsync(config, validatePipeline: true, async _ =>
        {
            var builder = WorkerHost.CreateBuilder(config, logToStandardError: false);
            builder.AddPipelineScheduling();
            using var host = builder.Build();
            // Runs until SIGTERM/SIGINT; the host then stops Quartz, which waits for running windows.
            await host.RunAsync(cancellationToken);
            return VerbHost.Success;
        });
    }
}
