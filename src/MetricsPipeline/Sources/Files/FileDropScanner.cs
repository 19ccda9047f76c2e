using System.Security.Cryptography;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// Lists the files of a drop folder that are ready to read. A file still being written is left for the
/// next run: one modified within SettleTime, or, where the stream asks for it, one without its ".done"
/// marker. Marker files and office lock files are never data.
/// </summary>
public static class FileDropScanner
{
    public const string DoneSuffix = ".done";

    public static (IReadOnlyList<DroppedFile> Ready, IReadOnlyList<WaitingFile> Waiting) Scan(FileDropPlan plan, DateTimeOffset now)
    {
        if (!Directory.Exists(plan.Folder))
            throw new DirectoryNotFoundException($"drop folder '{plan.Folder}' does not exist or is not reachable");
        var ready = new List<DroppedFile>();
        var waiting = new List<WaitingFile>();
        foreach (var path in Directory.EnumerateFiles(plan.Folder, plan.Pattern, SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(DoneSuffix, StringComparison.OrdinalIgnoreCase) || name.StartsWith("~$", StringComparison.Ordinal) || name.StartsWith(".", StringComparison.Ordinal))
                continue;
            var info = new FileInfo(path);
            var modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
            if (plan.RequireDoneMarker && !File.Exists(path + DoneSuffix))
                waiting.Add(new WaitingFile(name, $"no {name}{DoneSuffix} marker yet"));
            else if (now - modified < plan.SettleTime)
                waiting.Add(new WaitingFile(name, $"modified {(now - modified).TotalSeconds:F0} s ago, less than SettleTime {plan.SettleTime}"));
            else
                ready.Add(new DroppedFile(name, path, info.Length, modified));
        }
        return (ready, waiting);
    }

    /// <summary>SHA-256 of the content, hex: a file's identity together with its name.</summary>
    public static async Task<string> HashAsync(DroppedFile file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file.FullPath);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
