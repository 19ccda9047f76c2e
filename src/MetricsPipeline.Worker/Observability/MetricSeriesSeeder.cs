using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace MetricsPipeline.Worker.Observability;

/// <summary>
/// At start-up, creates every counter series of the configured sources and streams at 0
/// (<see cref="PipelineMetrics.SeedSeries"/>), so that an alert on outcome="failed" has a series to watch before
/// the first failure. The MeterProvider is taken as a dependency so it listens before the zeros are recorded.
/// </summary>
internal sealed class MetricSeriesSeeder(PipelineMetrics metrics, IOptions<PipelineOptions> options, MeterProvider listening) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(listening);
        metrics.SeedSeries(options.Value.Sources.Select(s => (s.Name, (IReadOnlyList<string>)s.Streams.Select(t => t.Name).ToList())));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
