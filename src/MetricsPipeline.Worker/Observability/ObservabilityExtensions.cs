using System.Net;
using System.Net.Sockets;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace MetricsPipeline.Worker.Observability;

public static class ObservabilityExtensions
{
    /// <summary>Whether serve runs its metrics and health endpoint (Metrics:Enabled, default true).</summary>
    public static bool MetricsEnabled(IConfiguration configuration) =>
        (configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions()).Enabled;

    /// <summary>
    /// The serve verb's operations surface, served by Kestrel on Metrics:ListenAddress (127.0.0.1) and Metrics:Port:
    /// /metrics (OpenTelemetry's Prometheus exporter: the Meter "MetricsPipeline", .NET runtime and process metrics),
    /// /health/live and /health/ready (ASP.NET Core health checks). The freshness gauges are re-read from the
    /// warehouse; every counter series of the configured sources exists from the start, at 0.
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(MetricsOptions.SectionName);
        builder.Services.AddOptions<MetricsOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        var options = section.Get<MetricsOptions>() ?? new MetricsOptions();
        // Checked now, before Kestrel binds: a bad or busy port is a configuration error with its key named (exit
        // code 2), not a host start-up crash.
        if (new MetricsOptionsValidator().Validate(null, options) is { Failed: true } invalid)
            throw new InvalidConfigurationException(invalid.Failures.SelectMany(f => f.Split("; ")).ToList());
        var address = IPAddress.Parse(options.ListenAddress);
        EnsurePortIsFree(address, options.Port);

        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddRouting();
        builder.Services.AddHealthChecks().AddCheck<WarehouseHealthCheck>("warehouse", tags: [HealthResponses.ReadyTag]);
        builder.Services.AddHostedService<FreshnessPoller>();
        builder.Services.AddHostedService<MetricSeriesSeeder>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(WorkerResource.Describe)
            .WithMetrics(metrics => metrics
                .AddMeter(PipelineMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter());
        return builder;
    }

    /// <summary>Maps /metrics, /health/live and /health/ready on the application built from <see cref="AddObservability"/>.</summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", HealthResponses.Live);
        app.MapHealthChecks("/health/ready", HealthResponses.Ready);
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        app.Lifetime.ApplicationStarted.Register(() => ObservabilityLog.EndpointStarted(
            app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger(typeof(ObservabilityExtensions).FullName!),
            options.ListenAddress, options.Port));
        return app;
    }

    private static void EnsurePortIsFree(IPAddress address, int port)
    {
        try
        {
            using var probe = new TcpListener(address, port);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException ex)
        {
            throw new InvalidConfigurationException(
                [$"Metrics:Port: {address}:{port} is already in use ({ex.SocketErrorCode}); choose a free port or set Metrics:Enabled to false"]);
        }
    }
}
