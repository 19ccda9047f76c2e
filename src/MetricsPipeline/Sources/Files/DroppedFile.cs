namespace MetricsPipeline.Sources.Files;

/// <summary>A file in a drop folder, as seen when the folder was scanned.</summary>
public sealed record DroppedFile(string Name, string FullPath, long Size, DateTimeOffset ModifiedAt);

/// <summary>A file that is not read this run, and why.</summary>
public sealed record WaitingFile(string Name, string Reason);
