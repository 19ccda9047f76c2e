namespace MetricsPipeline.Sources.Files;

/// <summary>One data line of a file: its line number, its cells, and whether it had as many cells as the header.</summary>
public readonly record struct TabularRow(long Line, object?[] Cells, bool Malformed);

/// <summary>A file read as a header and rows, streamed: memory does not grow with the file.</summary>
public interface ITabularFile : IDisposable
{
    IReadOnlyList<string> Header { get; }

    IEnumerable<TabularRow> Rows();
}

public static class TabularFile
{
    /// <summary>Opens a dropped file by its stream's format (or its extension).</summary>
    public static ITabularFile Open(DroppedFile file, Configuration.FileDropPlan plan)
    {
        var format = plan.Format ?? Path.GetExtension(file.Name).TrimStart('.').ToLowerInvariant();
        return format switch
        {
            "csv" or "txt" => new CsvTabularFile(file.FullPath, plan.Encoding, ','),
            "tsv" => new CsvTabularFile(file.FullPath, plan.Encoding, '\t'),
            "xlsx" => new XlsxTabularFile(file.FullPath, plan.Sheet),
            _ => throw new InvalidDataException($"'{file.Name}': unknown format '{format}' (set Format to csv, tsv or xlsx)"),
        };
    }
}
