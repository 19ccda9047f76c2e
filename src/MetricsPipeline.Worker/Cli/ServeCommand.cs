using MetricsPipeline.Worker.Hosting;
using MetricsPipeline.Worker.Observability;
using MetricsPipeline.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MetricsPipeline.Worker.Cli;

internal static class ServeCommand
{
    public static async Task<int> RunAsync(FileInfo? config, CancellationToken cancellationToken)
    {
        return await VerbHost.RunAsync(config, validatePipeline: true, async services =>
        {
            using var host = BuildHost(config, services);
            // Runs until SIGTERM/SIGINT; the host then stops Quartz, which waits for running windows.
            await host.RunAsync(cancellationToken);
            return VerbHost.Success;
        });
    }

    /// <summary>
    /// The scheduler, in a web application serving /metrics and /health/* (Metrics:Enabled, the default), or in a
    /// plain host without a listening socket.
    /// </summary>
    private static IHost BuildHost(FileInfo? config, IServiceProvider validated)
    {
        if (!ObservabilityExtensions.MetricsEnabled(validated.GetRequiredService<IConfiguration>()))
        {
            var plain = WorkerHost.CreateBuilder(config, logToStandardError: false);
            plain.AddPipelineScheduling();
            return plain.Build();
        }
        var builder = WorkerHost.CreateWebBuilder(config);
        builder.AddPipelineScheduling();
        builder.AddObservability();
        return builder.Build().MapObservability();
    }
}
