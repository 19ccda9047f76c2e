using MetricsPipeline.Configuration;
using MetricsPipeline.Configuration.Binding;
using MetricsPipeline.Worker.Hosting.Journal;
using MetricsPipeline.Worker.Observability;
using MetricsPipeline.Worker.Scheduling;
using Microsoft.Extensions.Hosting;

namespace MetricsPipeline.Worker.Cli;

/// <summary>
/// Every top-level section the worker reads, with the options class it binds to. A new section must be
/// listed here, or a configuration file holding it is refused as unknown.
/// </summary>
internal static class ConfigurationSections
{
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [ConnectionStringsOptions.SectionName] = typeof(ConnectionStringsOptions),
        [PipelineOptions.SectionName] = typeof(PipelineOptions),
        [SchedulerOptions.SectionName] = typeof(SchedulerOptions),
        [MetricsOptions.SectionName] = typeof(MetricsOptions),
        ["Host"] = typeof(HostOptions),
        // Inside the free-form Logging section, the journal's settings are the worker's own and checked key by key.
        [JournalOptions.SectionName] = typeof(JournalOptions),
    };

    /// <summary>The sections checked key by key, in the order config check names them.</summary>
    public static IEnumerable<string> Names => Sections.Keys;

    public static readonly ConfigurationSchema Schema = new(
        Sections,
        // Logging's keys are category names (Logging:LogLevel:Npgsql.Command), read by Microsoft.Extensions.Logging.
        // The OTLP exporter reads the standard OTEL_EXPORTER_OTLP_* settings, which a configuration file may hold too.
        new HashSet<string>(
            ["Logging", .. TracingExtensions.EndpointKeys, "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS",
             "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"],
            StringComparer.OrdinalIgnoreCase));
}
