using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// The warehouse's views and functions as files holding their current definitions (<c>sql/ref</c>,
/// <c>sql/marts/...</c>, <c>sql/ops</c>), embedded in this assembly with the manifest <c>sql/layers.txt</c>
/// that gives their order. The layer is applied as a whole: <c>layer_reset.sql</c> first, then every file in
/// manifest order; its checksum covers all of them, so changing any one file re-applies all.
/// </summary>
public sealed class SqlLayer
{
    public const string ResourcePrefix = "MetricsPipeline.Layer/";
    public const string ManifestName = "layers.txt";
    public const string ResetName = "layer_reset.sql";

    private SqlLayer(IReadOnlyList<SqlLayerFile> files, string checksum)
    {
        Files = files;
        Checksum = checksum;
    }

    /// <summary>The reset script followed by every manifest entry, in the order they are applied.</summary>
    public IReadOnlyList<SqlLayerFile> Files { get; }

    /// <summary>MD5 (hex) over every file's path and content, in order: the checksum Evolve records for each.</summary>
    public string Checksum { get; }

    public static SqlLayer Load(Assembly assembly)
    {
        var manifest = ReadResource(assembly, ManifestName);
        var paths = manifest.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        var duplicate = paths.GroupBy(p => p).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"sql/{ManifestName} lists {duplicate.Key} twice");

        var files = new List<SqlLayerFile> { new(ResetName, ReadResource(assembly, ResetName)) };
        files.AddRange(paths.Select(path => new SqlLayerFile(path, ReadResource(assembly, path))));

        var embedded = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..]);
        var unlisted = embedded.Except(files.Select(f => f.Path)).Order(StringComparer.Ordinal).ToList();
        if (unlisted.Count > 0)
            throw new InvalidOperationException($"sql/{ManifestName} does not list {string.Join(", ", unlisted)}: add each file where it belongs in the order");

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var file in files)
        {
            md5.AppendData(Encoding.UTF8.GetBytes(file.Path + "\n"));
            md5.AppendData(Encoding.UTF8.GetBytes(file.Content.ReplaceLineEndings("\n")));
        }
        return new SqlLayer(files, Convert.ToHexString(md5.GetHashAndReset()));
    }

    private static string ReadResource(Assembly assembly, string path)
    {
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + path)
            ?? throw new InvalidOperationException($"sql/{path} is not embedded in {assembly.GetName().Name} (listed in sql/{ManifestName})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

/// <summary>One file of the layer: its path below <c>sql/</c> and its SQL.</summary>
public sealed record SqlLayerFile(string Path, string Content);
