namespace MetricsPipeline.Sources.Files;

/// <summary>One data record of a file: the line it starts on, its cells, and whether it had as many cells as the header.</summary>
public readonly record struct TabularRow(long Line, object?[] Cells, bool Malformed);

/// <summary>A file read as a header and rows, streamed: memory does not grow with the file.</summary>
public interface ITabularFile : IDisposable
{
    IReadOnlyList<string> Header { get; }

    IEnumerable<TabularRow> Rows();
}
