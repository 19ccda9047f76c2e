using MetricsPipeline.Worker.Hosting;
using MetricsPipeline.Worker.Observability;
using MetricsPipeline.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MetricsPipeline.Worker.Cli;

internal static class ServeCommand
{
    /// <summary>
    /// Runs the service until a stop signal (SIGTERM from systemctl stop, SIGINT) and then exits 0. Stopping
    /// for any other cause (a hosted service that failed, a stop nobody asked for) exits non-zero, so
    /// systemd's Restart=on-failure restarts it and the journal says why.
    /// </summary>
    public static Task<int> RunAsync(FileInfo? config, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: true, async services =>
        {
            // The configuration passed the strict check when the verb's host was built (VerbHost).
            using var host = BuildHost(config, services);
            // Taken before the run: RunAsync disposes the service provider when the host has stopped.
            var backgroundServices = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
            // The host stops Quartz on the way out, which waits for running windows (they roll back promptly).
            try
            {
                await host.RunAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return VerbHost.Success; // stopped by a signal while it was still starting
            }
            // System.CommandLine cancels the token on SIGINT/SIGTERM: that is the one expected way to stop.
            if (cancellationToken.IsCancellationRequested)
                return VerbHost.Success;
            throw WhyItStopped(backgroundServices);
        }, cancellationToken: cancellationToken);

    private static Exception WhyItStopped(IEnumerable<BackgroundService> services)
    {
        var failed = services.FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true });
        if (failed?.ExecuteTask?.Exception?.GetBaseException() is { } cause)
            return new ServeStoppedException($"serve stopped without a stop signal: {failed.GetType().Name} failed: {cause.Message}", cause);
        return new ServeStoppedException("serve stopped without a stop signal (the host was asked to stop from inside); see the log lines above", null);
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

/// <summary>The service ended for a reason other than a stop signal; the inner exception, if any, is the cause.</summary>
internal sealed class ServeStoppedException(string message, Exception? inner) : Exception(message, inner);
