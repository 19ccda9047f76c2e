using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// <c>Logging:Journal</c>: whether the worker writes its log as structured entries to the systemd journal's native socket
/// instead of lines on stderr, and which socket that is.
/// </summary>
public sealed class JournalOptions
{
    public const string SectionName = "Logging:Journal";

    /// <summary>Where systemd-journald listens for the native protocol (AF_UNIX datagrams).</summary>
    public const string DefaultSocket = "/run/systemd/journal/socket";

    /// <summary>Auto (the default): the journal when systemd connected stderr to it; Always; Never.</summary>
    public JournalMode Mode { get; set; } = JournalMode.Auto;

    /// <summary>The journal's native-protocol socket; another path lets a test bind its own datagram socket.</summary>
    public string Socket { get; set; } = DefaultSocket;

    /// <summary>
    /// Levels for the journal alone (<c>Logging:Journal:LogLevel:MetricsPipeline</c>), read by Microsoft.Extensions.Logging
    /// like <c>Logging:Console:LogLevel</c>; declared here so that the strict configuration check knows the keys.
    /// </summary>
    public Dictionary<string, LogLevel> LogLevel { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public enum JournalMode
{
    /// <summary>The journal when <c>JOURNAL_STREAM</c> names stderr (systemd's StandardError=journal, the default for a unit); else the console.</summary>
    Auto,

    /// <summary>The journal wherever the worker runs (a unit whose stderr goes elsewhere, a container with the journal socket mounted).</summary>
    Always,

    /// <summary>Never the journal: lines on stderr, formatted as <c>Logging:Console:FormatterName</c> says.</summary>
    Never,
}
