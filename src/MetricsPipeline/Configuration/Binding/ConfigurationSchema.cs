using Microsoft.Extensions.Configuration;

namespace MetricsPipeline.Configuration.Binding;

/// <summary>
/// The top-level sections a program reads and the options type each binds to. <see cref="Check"/> names every
/// unknown key and every value that does not convert, under every section, so a misspelt key or a bad value
/// stops start-up instead of being ignored or dropping the list element that holds it.
/// </summary>
public sealed class ConfigurationSchema(IReadOnlyDictionary<string, Type> sections, IReadOnlySet<string> freeFormSections)
{
    /// <summary>Every problem, one line each, named by the full key (Pipeline:Sources:0:Streams:1:Wehre).</summary>
    public List<string> Check(IConfigurationRoot configuration)
    {
        var errors = new List<string>();
        foreach (var (name, type) in sections)
        {
            var section = configuration.GetSection(name);
            if (section.Exists())
                StrictConfiguration.Check(section, type, errors);
        }
        // Environment variables are configuration too, and hold PATH, HOME and the rest at the top level:
        // only the configuration files' own top-level keys can be held to the known sections.
        var known = sections.Keys.Concat(freeFormSections).ToList();
        foreach (var file in configuration.Providers.OfType<FileConfigurationProvider>())
        {
            foreach (var key in file.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
                    errors.Add($"{key}: unknown section in {PathOf(file)}; {KeySuggestion.For(key, known)}");
            }
        }
        return errors;
    }

    private static string? PathOf(FileConfigurationProvider file) =>
        file.Source.Path is { } path ? file.Source.FileProvider?.GetFileInfo(path).PhysicalPath ?? path : null;

    /// <summary>Throws <see cref="InvalidConfigurationException"/> listing every problem.</summary>
    public void ThrowIfInvalid(IConfigurationRoot configuration)
    {
        var errors = Check(configuration);
        if (errors.Count > 0)
            throw new InvalidConfigurationException(errors);
    }
}
