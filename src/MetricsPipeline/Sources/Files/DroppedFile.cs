namespace MetricsPipeline.Sources.Files;

/// <summary>A regular file in a drop folder, as seen when the folder was scanned.</summary>
public sealed record DroppedFile(string Name, string FullPath, long Size, DateTimeOffset ModifiedAt)
{
    /// <summary>The kernel's view of the file at the scan; the read compares against it.</summary>
    public FileSnapshot? Snapshot { get; init; }
}

/// <summary>A file that is not read this run, and why.</summary>
public sealed record WaitingFile(string Name, string Reason);

/// <summary>An entry of the folder that matches the pattern but is never read: a link out of the folder, a FIFO, a device.</summary>
public sealed record RejectedEntry(string Name, string Reason);

/// <summary>What a scan of a drop folder found.</summary>
public sealed record DropFolderScan(IReadOnlyList<DroppedFile> Ready, IReadOnlyList<WaitingFile> Waiting, IReadOnlyList<RejectedEntry> Rejected);
