using System.Net;
using System.Net.Sockets;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace MetricsPipeline.Worker.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// The serve verb's operations surface on 127.0.0.1:Metrics:Port: the OpenTelemetry Prometheus exporter
    /// (its own HttpListener) at /metrics for the Meter "MetricsPipeline", and /health/live and /health/ready
    /// on a second listener sharing the port. The freshness gauges are re-read from the warehouse.
    /// </summary>
    public static HostApplicationBuilder AddObservability(this HostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(MetricsOptions.SectionName);
        builder.Services.AddOptions<MetricsOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        var options = section.Get<MetricsOptions>() ?? new MetricsOptions();
        if (!options.Enabled)
            return builder;
        // Checked now, before the exporter's listener is built: a bad or busy port is a configuration error
        // with its key named (exit code 2), not a host start-up crash.
        if (new MetricsOptionsValidator().Validate(null, options) is { Failed: true } invalid)
            throw new InvalidConfigurationException(invalid.Failures.ToList());
        EnsurePortIsFree(options.Port);

        builder.Services.AddHealthChecks().AddCheck<WarehouseHealthCheck>("warehouse", tags: [HealthEndpoint.ReadyTag]);
        builder.Services.AddHostedService<HealthEndpoint>();
        builder.Services.AddHostedService<FreshnessPoller>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(PipelineMetrics.MeterName)
            .AddPrometheusHttpListener(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = options.Port;
                o.ScrapeEndpointPath = "/metrics";
            }));
        return builder;
    }

    private static void EnsurePortIsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException ex)
        {
            throw new InvalidConfigurationException(
                [$"Metrics:Port: 127.0.0.1:{port} is already in use ({ex.SocketErrorCode}); choose a free port or set Metrics:Enabled to false"]);
        }
    }
}
