using MetricsPipeline.Configuration;

namespace MetricsPipeline.Sources.Files;

/// <summary>A dropped file as it was read: the hash and state of exactly the bytes that were parsed.</summary>
public sealed record ReadFile(DroppedFile File, string Hash, FileSnapshot Snapshot, FileAggregator Aggregator);

/// <summary>The file changed (or was replaced or removed) while it was read: what was parsed is not the file.</summary>
public sealed class FileChangedDuringReadException(string message) : IOException(message);

/// <summary>
/// Reads one dropped file once: it is opened without following it out of the folder and without blocking
/// on a FIFO, checked to be a regular file, and its bytes are hashed as they are parsed, so the hash
/// stored with the load is the hash of what was counted. The kernel's view of the file (inode, size,
/// modification and change time) is compared at the scan, when the read starts, and when it ends; any
/// difference means the file changed while it was read, and nothing of it is loaded (the next run reads
/// it again). A workbook is copied to a private temporary file while it is hashed, then parsed from the copy.
/// </summary>
public static class DroppedFileReader
{
    public static ReadFile Read(
        DroppedFile file, FileDropPlan plan, Func<IReadOnlyList<string>, FileAggregator> aggregatorFor, long maxGroups, CancellationToken cancellationToken)
    {
        var folder = UnixFile.RealPathOfDirectory(plan.Folder);
        using var handle = UnixFile.OpenForReading(file.FullPath);
        var before = UnixFile.StatHandle(handle);
        if (before.Kind != EntryKind.Regular)
            throw new IOException($"'{file.Name}' is no longer a regular file ({before.Kind}); only regular files are read");
        if (UnixFile.RealPathOf(handle) is { } real && !string.Equals(Path.GetDirectoryName(real), folder, StringComparison.Ordinal))
            throw new IOException($"'{file.Name}' now leads out of the drop folder; it is not read");
        if (file.Snapshot is { } scanned && scanned != before)
            throw Changed(file, "between the scan of the folder and the read", scanned, before);
        if (before.Size == 0)
            throw new InvalidDataException("the file is empty (not even a header line)");

        FileAggregator aggregator;
        string hash;
        long bytes;
        FileSnapshot after;
        using (var content = new FileStream(handle, FileAccess.Read, 1 << 16))
        {
            var hashing = new HashingStream(content, cancellationToken);
            try
            {
                using (var table = Open(file, plan, hashing))
                {
                    aggregator = aggregatorFor(table.Header);
                    foreach (var row in table.Rows())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        aggregator.Add(row);
                        if (aggregator.GroupCount > maxGroups)
                            throw new InvalidDataException($"more than MaxGroupsPerWindow = {maxGroups:N0} (unit, code, day) groups");
                    }
                }
                hash = hashing.Finish();
                bytes = hashing.BytesRead;
                after = UnixFile.StatHandle(handle); // before the stream closes the handle
            }
            finally
            {
                hashing.Release();
            }
        }

        if (after != before)
            throw Changed(file, "while it was read", before, after);
        if (bytes != before.Size)
            throw Changed(file, $"while it was read ({bytes:N0} bytes read of {before.Size:N0})", before, after);
        FileSnapshot now;
        try
        {
            now = UnixFile.StatTarget(file.FullPath);
        }
        catch (IOException)
        {
            throw new FileChangedDuringReadException($"'{file.Name}' was removed or replaced while it was read; nothing of it is loaded");
        }
        if (now != before)
            throw Changed(file, "while it was read (the name now leads to another version)", before, now);
        return new ReadFile(file with { Size = before.Size, ModifiedAt = before.ModifiedAt, Snapshot = before }, hash, before, aggregator);
    }

    private static ITabularFile Open(DroppedFile file, FileDropPlan plan, HashingStream hashing)
    {
        var format = plan.Format ?? Path.GetExtension(file.Name).TrimStart('.').ToLowerInvariant();
        return format switch
        {
            "csv" or "txt" => new CsvTabularFile(hashing, plan.Encoding, ','),
            "tsv" => new CsvTabularFile(hashing, plan.Encoding, '\t'),
            "xlsx" => new XlsxTabularFile(PrivateCopy(hashing), plan.Sheet),
            _ => throw new InvalidDataException($"'{file.Name}': unknown format '{format}' (set Format to csv, tsv or xlsx)"),
        };
    }

    /// <summary>A temporary file only this process can read, deleted when closed, holding the bytes as hashed.</summary>
    private static FileStream PrivateCopy(HashingStream hashing)
    {
        var path = Path.Combine(Path.GetTempPath(), $"metrics-pipeline-{Guid.NewGuid():N}.xlsx");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.DeleteOnClose };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var copy = new FileStream(path, options);
        try
        {
            hashing.CopyTo(copy);
            copy.Position = 0;
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    private static FileChangedDuringReadException Changed(DroppedFile file, string when, FileSnapshot first, FileSnapshot second) =>
        new($"'{file.Name}' changed {when}: {first.Describe()} before, {second.Describe()} after; nothing of it is loaded, and the next run reads it again");
}
