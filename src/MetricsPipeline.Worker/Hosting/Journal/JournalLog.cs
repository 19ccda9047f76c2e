using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>Log events of the journal client (ids 73301-73309; stable).</summary>
internal static partial class JournalLog
{
    public const string Category = "MetricsPipeline.Worker.Hosting.Journal";

    [LoggerMessage(EventId = 73301, Level = LogLevel.Warning,
        Message = "The journal was to get the log (Logging:Journal:Mode {Mode}), but its socket {Socket} takes no entries ({Reason}); the log goes to stderr")]
    public static partial void Unavailable(ILogger logger, JournalMode mode, string socket, string reason);

    [LoggerMessage(EventId = 73302, Level = LogLevel.Warning,
        Message = "Sending to the journal socket {Socket} failed ({Reason}); entries go to stderr until it takes them again")]
    public static partial void SendFailed(ILogger logger, string socket, string reason);

    [LoggerMessage(EventId = 73303, Level = LogLevel.Information, Message = "The journal socket {Socket} takes entries again")]
    public static partial void Recovered(ILogger logger, string socket);
}
