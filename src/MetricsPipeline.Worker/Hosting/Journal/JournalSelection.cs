using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// Journal or console, as systemd recommends (systemd.exec(5) on JOURNAL_STREAM): the native protocol when stderr is the
/// journal stream systemd set up, or when configured to; the console otherwise, and also when the journal's socket
/// takes nothing, which is said once per process (a verb and serve's own host both choose).
/// </summary>
internal static class JournalSelection
{
    private static int _unavailableSaid;

    public static ILoggerProvider Choose(JournalOptions options, Func<ILoggerProvider> console)
    {
        if (!OperatingSystem.IsLinux() || !Wanted(options.Mode))
            return console();
        if (JournalSocket.TryOpen(options.Socket, out var problem) is { } socket)
            return new JournalLoggerProvider(socket, console);
        var fallback = console();
        if (Interlocked.Exchange(ref _unavailableSaid, 1) == 0)
            JournalLog.Unavailable(fallback.CreateLogger(JournalLog.Category), options.Mode, options.Socket, problem ?? "unknown");
        return fallback;
    }

    private static bool Wanted(JournalMode mode) => mode switch
    {
        JournalMode.Always => true,
        JournalMode.Never => false,
        _ => JournalStream.IsStandardError(),
    };
}
