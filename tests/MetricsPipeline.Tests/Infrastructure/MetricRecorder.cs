using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// Sums the long counters that one service provider's pipeline records (its own IMeterFactory scope, so
/// tests running in parallel never see each other's measurements).
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public MetricRecorder(IServiceProvider services)
    {
        var scope = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
            foreach (var tag in tags)
                _totals.AddOrUpdate($"{instrument.Name}{{{tag.Key}={tag.Value}}}", value, (_, total) => total + value);
        });
        _listener.Start();
    }

    /// <summary>The sum of a counter, optionally of the measurements carrying one tag value: Total("x", "outcome", "failed").</summary>
    public long Total(string instrument, string? tag = null, string? value = null) =>
        _totals.GetValueOrDefault(tag is null ? instrument : $"{instrument}{{{tag}={value}}}");

    public void Dispose() => _listener.Dispose();
}
