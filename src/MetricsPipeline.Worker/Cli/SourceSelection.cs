using MetricsPipeline.Configuration;
using MetricsPipeline.Configuration.Binding;

namespace MetricsPipeline.Worker.Cli;

/// <summary>--source NAME: refused as a usage error (exit code 2) when no configured source has that name.</summary>
internal static class SourceSelection
{
    /// <summary>Writes the problem and returns false when <paramref name="name"/> is given and names no source.</summary>
    public static bool IsKnown(string? name, IReadOnlyList<SourcePlan> sources)
    {
        if (name is null || sources.Any(s => s.Name == name))
            return true;
        var suggestion = KeySuggestion.For(name, sources.Select(s => s.Name), knownLabel: "configured sources");
        Console.Error.WriteLine($"--source: no source named '{name}' is configured; {suggestion}");
        return false;
    }
}
