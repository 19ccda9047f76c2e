using EvolveDb.Metadata;
using EvolveDb.Migration;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>A versioned migration made from a text, as Evolve's loaders make one from a file: checksums computed by Evolve itself.</summary>
public sealed class TextMigrationScript(string name, string content)
    : MigrationScript(
        MetricsPipeline.Warehouse.MigrationVersion.FromFileName(name) is { } version ? string.Join('.', version.Parts) : throw new ArgumentException($"{name} is not a versioned migration"),
        name,
        name,
        content,
        MetadataType.Migration);
