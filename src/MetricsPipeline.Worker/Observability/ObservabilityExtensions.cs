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

        builder.Services.AddHealthChecks().AddCheck<WarehouseHealthCheck>("warehouse", tags: [HealthEndpoint.ReadyTag]);
        // Registered before OpenTelemetry's own hosted service: a port in use is reported by name, not as a stack trace.
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
}
