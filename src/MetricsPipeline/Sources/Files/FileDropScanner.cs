using MetricsPipeline.Configuration;

namespace MetricsPipeline.Sources.Files;

/// <summary>
/// Lists the files of a drop folder that are ready to read. A file still being written is left for the
/// next run: one modified within SettleTime, or, where the stream asks for it, one without its ".done"
/// marker. Marker files and office lock files are never data. Only regular files inside the folder are
/// read: a symbolic link is followed only when its target lies in the folder itself, and FIFOs, devices,
/// sockets, directories and links that leave the folder or lead nowhere are rejected one by one, each with
/// its reason, without stopping the scan.
/// </summary>
public static class FileDropScanner
{
    public const string DoneSuffix = ".done";

    public static DropFolderScan Scan(FileDropPlan plan, DateTimeOffset now)
    {
        if (!Directory.Exists(plan.Folder))
            throw new DirectoryNotFoundException($"drop folder '{plan.Folder}' does not exist or is not reachable");
        var folder = UnixFile.RealPathOfDirectory(plan.Folder);
        var ready = new List<DroppedFile>();
        var waiting = new List<WaitingFile>();
        var rejected = new List<RejectedEntry>();
        foreach (var path in Directory.EnumerateFileSystemEntries(plan.Folder, plan.Pattern, SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(DoneSuffix, StringComparison.OrdinalIgnoreCase) || name.StartsWith("~$", StringComparison.Ordinal) || name.StartsWith(".", StringComparison.Ordinal))
                continue;
            FileSnapshot target;
            try
            {
                target = Examine(path, folder);
            }
            catch (IOException ex)
            {
                rejected.Add(new RejectedEntry(name, ex.Message));
                continue;
            }
            if (target.Kind == EntryKind.Directory)
                continue; // a sub-folder (or a link to one) matching the pattern is not an entry to read, nor an error
            if (target.Kind != EntryKind.Regular)
            {
                rejected.Add(new RejectedEntry(name, $"'{name}' is {Describe(target.Kind)}, not a regular file; only regular files are read"));
                continue;
            }
            var modified = target.ModifiedAt;
            if (plan.RequireDoneMarker && !File.Exists(path + DoneSuffix))
                waiting.Add(new WaitingFile(name, $"no {name}{DoneSuffix} marker yet"));
            else if (now - modified < plan.SettleTime)
                waiting.Add(new WaitingFile(name, $"modified {(now - modified).TotalSeconds:F0} s ago, less than SettleTime {plan.SettleTime}"));
            else
                ready.Add(new DroppedFile(name, path, target.Size, modified) { Snapshot = target });
        }
        return new DropFolderScan(ready, waiting, rejected);
    }

    /// <summary>What the entry leads to; a link must stay inside <paramref name="folder"/> (a real path).</summary>
    private static FileSnapshot Examine(string path, string folder)
    {
        var name = Path.GetFileName(path);
        var entry = UnixFile.StatEntry(path);
        if (entry.Kind != EntryKind.SymbolicLink)
            return entry;
        var final = File.ResolveLinkTarget(path, returnFinalTarget: true);
        if (final is null || !final.Exists && !Directory.Exists(final.FullName))
            throw new IOException($"'{name}' is a symbolic link to something that does not exist");
        var targetFolder = UnixFile.RealPathOfDirectory(Path.GetDirectoryName(final.FullName)!);
        if (!string.Equals(targetFolder, folder, StringComparison.Ordinal))
            throw new IOException($"'{name}' is a symbolic link that leads out of the drop folder; it is not read (copy the file into the folder instead)");
        return UnixFile.StatTarget(path);
    }

    private static string Describe(EntryKind kind) => kind switch
    {
        EntryKind.Fifo => "a FIFO (named pipe)",
        EntryKind.CharacterDevice => "a character device",
        EntryKind.BlockDevice => "a block device",
        EntryKind.Socket => "a socket",
        _ => "not a regular file",
    };
}
