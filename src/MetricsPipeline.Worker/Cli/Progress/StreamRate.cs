namespace MetricsPipeline.Worker.Cli.Progress;

/// <summary>
/// A stream's pace so far: source rows of the windows done over the time since its first window began, and the
/// time left if the remaining windows take as long on average as the ones done (windows, not rows: how many rows
/// the remaining windows hold is not known before they are read).
/// </summary>
public readonly record struct StreamRate(long RowsDone, int WindowsDone, int WindowsTotal, TimeSpan Elapsed)
{
    /// <summary>Null before any time has passed (nothing to divide by).</summary>
    public double? RowsPerSecond => Elapsed > TimeSpan.Zero ? RowsDone / Elapsed.TotalSeconds : null;

    /// <summary>Null before the first window is done; zero once every window is.</summary>
    public TimeSpan? Remaining => WindowsDone <= 0 ? null
        : WindowsDone >= WindowsTotal ? TimeSpan.Zero
        : Elapsed / WindowsDone * (WindowsTotal - WindowsDone);

    public static string FormatRate(double? rowsPerSecond) =>
        rowsPerSecond is { } r ? r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " rows/s" : "- rows/s";

    public static string FormatRemaining(TimeSpan? remaining) =>
        remaining is { } t ? (t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{t:mm\\:ss}") + " left" : "--:-- left";
}
