using MetricsPipeline.Pipeline.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace MetricsPipeline.Worker.Observability;

public static class TracingExtensions
{
    /// <summary>The OTLP exporter's standard settings; an endpoint in either turns tracing on.</summary>
    public static readonly string[] EndpointKeys = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"];

    /// <summary>
    /// Creates the tracer, if tracing is configured, so it listens from now on. A started host does this itself
    /// (OpenTelemetry's hosted service); the one-shot verbs build their host without starting it. Disposing the
    /// host flushes the spans still batched.
    /// </summary>
    public static void StartTracing(IServiceProvider services) => _ = services.GetService(typeof(TracerProvider));

    /// <summary>
    /// Exports the pipeline's spans (<see cref="PipelineActivities"/>) over OTLP when an endpoint is configured, in
    /// every verb. The exporter reads the standard OTEL_EXPORTER_OTLP_* settings (endpoint, protocol grpc or
    /// http/protobuf, headers) from configuration: environment variables, or the same names as top-level keys of
    /// the configuration file. Without an endpoint no tracer listens and the spans are never created.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineTracing(this IHostApplicationBuilder builder)
    {
        var configured = EndpointKeys.Where(key => !string.IsNullOrWhiteSpace(builder.Configuration[key])).ToList();
        if (configured.Count == 0)
            return builder;
        foreach (var key in configured)
        {
            var value = builder.Configuration[key]!;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new MetricsPipeline.Configuration.InvalidConfigurationException(
                    [$"{key}: '{value}' is not an http:// or https:// URL of an OTLP endpoint (e.g. http://127.0.0.1:4317)"]);
        }
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(WorkerResource.Describe)
            .WithTracing(tracing => tracing
                .AddSource(PipelineActivities.SourceName)
                .AddOtlpExporter());
        return builder;
    }
}
