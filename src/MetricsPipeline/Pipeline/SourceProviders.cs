using MetricsPipeline.Sources;

namespace MetricsPipeline.Pipeline;

/// <summary>The registered source providers by configuration name.</summary>
public sealed class SourceProviders(IEnumerable<ISourceProvider> providers)
{
    private readonly Dictionary<string, ISourceProvider> _byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public ISourceProvider Get(string name) =>
        _byName.TryGetValue(name, out var provider)
            ? provider
            : throw new InvalidOperationException($"no source provider named '{name}' is registered");
}
