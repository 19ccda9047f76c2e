using MetricsPipeline.Worker.Hosting;
using MetricsPipeline.Worker.Observability;
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
            builder.AddObservability(); // metrics and health on 127.0.0.1 (Metrics:Port)
            using var host = builder.Build();
            // Runs until SIGTERM/SIGINT; the host then stops Quartz, which waits for running windows.
            await host.RunAsync(cancellationToken);
            return VerbHost.Success;
        });
    }
}
