using MetricsPipeline.Pipeline.Telemetry;
using OpenTelemetry.Resources;

namespace MetricsPipeline.Worker.Observability;

/// <summary>
/// Who reports the telemetry: service.name metrics-pipeline, service.version of this build, and the instance
/// (host:pid, as in Quartz's node names). Prometheus shows them on target_info; OTLP backends on every span.
/// </summary>
internal static class WorkerResource
{
    public const string ServiceName = "metrics-pipeline";

    public static void Describe(ResourceBuilder resource) => resource
        .AddService(ServiceName, serviceVersion: BuildInfo.Version, serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}")
        .AddAttributes(BuildInfo.Commit is { } commit ? [new KeyValuePair<string, object>("vcs.ref.head.revision", commit)] : []);
}
