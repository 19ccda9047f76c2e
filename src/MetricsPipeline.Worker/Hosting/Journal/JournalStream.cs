namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// Whether systemd connected this process's stderr to the journal. systemd sets <c>JOURNAL_STREAM</c> to the device and
/// inode ("DEV:INO", decimal) of the stream it hands a service whose output goes to the journal; a program should switch
/// to the native protocol only when they are those of its own stderr, since the variable is inherited by children whose
/// stderr may be anything (systemd.exec(5), "Environment variables in spawned processes").
/// </summary>
internal static class JournalStream
{
    public const string Variable = "JOURNAL_STREAM";

    private const int StandardError = 2;

    public static bool IsStandardError() => Matches(Environment.GetEnvironmentVariable(Variable), StandardError);

    /// <summary>True when <paramref name="journalStream"/> is "DEV:INO" and names the file open as <paramref name="fd"/>.</summary>
    public static bool Matches(string? journalStream, int fd)
    {
        if (!OperatingSystem.IsLinux() || Parse(journalStream) is not { } expected)
            return false;
        try
        {
            return JournalNative.DeviceAndInode(fd) == expected;
        }
        catch (IOException)
        {
            return false; // stderr closed: nothing to compare, and nothing that is the journal
        }
    }

    public static (ulong Device, ulong Inode)? Parse(string? journalStream)
    {
        var parts = journalStream?.Split(':');
        return parts is [var device, var inode] && ulong.TryParse(device, out var d) && ulong.TryParse(inode, out var i) ? (d, i) : null;
    }
}
