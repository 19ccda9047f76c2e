using MetricsPipeline.Configuration;
using MetricsPipeline.Worker.Hosting.Journal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Worker.Hosting;

/// <summary>
/// The worker's one log provider, chosen for where it runs:
/// <list type="bullet">
/// <item>the systemd journal, as structured entries on its native socket (<see cref="JournalLoggerProvider"/>), when
/// systemd connected stderr to the journal (JOURNAL_STREAM names stderr) or <c>Logging:Journal:Mode</c> is Always;</item>
/// <item>otherwise the console logger, with the formatter that suits:
/// under systemd, "systemd": one line per event, <c>&lt;N&gt;Category[EventId] message</c>, on stderr; journald turns
/// the <c>&lt;N&gt;</c> prefix into the entry's PRIORITY and stamps the time itself;
/// elsewhere, "simple": one line per event with a UTC timestamp;
/// on request, "json" (<c>Logging:Console:FormatterName</c>): one JSON object per line whose State holds the event's
/// fields (Source, Stream, Window, RunId …) and whose Scopes hold the run and window the event belongs to.</item>
/// </list>
/// The journal wanted but its socket taking nothing, the console logger takes over and says so once (73301).
/// The standard <c>Logging:Console</c> keys (FormatterName, FormatterOptions, LogToStandardErrorThreshold) apply as
/// documented by Microsoft.Extensions.Logging; the defaults here only fill in what configuration leaves unset.
/// </summary>
internal static class WorkerLogging
{
    public const string FormatterNameKey = "Logging:Console:FormatterName";

    private static readonly string[] Formatters = [ConsoleFormatterNames.Simple, ConsoleFormatterNames.Json, ConsoleFormatterNames.Systemd];

    public static void AddWorkerLogging(this ILoggingBuilder logging, IConfiguration configuration, bool underSystemd, bool logToStandardError)
    {
        var formatter = FormatterName(configuration[FormatterNameKey], underSystemd);

        // Registered before AddConsole, so that Logging:Console:FormatterOptions, bound by AddConsole, wins over them.
        logging.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        logging.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
        logging.AddConsole();
        ChooseProvider(logging.Services, configuration);

        // After every other configuration of the console logger (AddSystemd's own choice of formatter included),
        // so that the formatter chosen here, which already honours Logging:Console:FormatterName, is the one used.
        logging.Services.PostConfigure<ConsoleLoggerOptions>(o =>
        {
            o.FormatterName = formatter;
            // Verbs print their results on stdout; logs go to stderr so the two never mix. Under systemd both reach
            // the journal; stderr keeps a verb's output separate there too.
            if (logToStandardError || underSystemd)
                o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
    }

    /// <summary>
    /// Replaces the console provider AddConsole registered with the one the worker uses: the journal, or the console
    /// logger behind a <see cref="LiveDisplayLogGate"/>, so that a verb's live progress display can hold the log while it
    /// draws (lines written under it would tear the display apart). Chosen when the first logger is made, after the
    /// strict configuration check has passed Logging:Journal.
    /// </summary>
    private static void ChooseProvider(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LiveDisplayLogGate>();
        var console = services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        services.Remove(console);
        services.AddSingleton<ILoggerProvider>(sp =>
        {
            ILoggerProvider Console() => new GatedConsoleLoggerProvider(
                new ConsoleLoggerProvider(sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), sp.GetServices<ConsoleFormatter>()),
                sp.GetRequiredService<LiveDisplayLogGate>());
            return JournalSelection.Choose(configuration.GetSection(JournalOptions.SectionName).Get<JournalOptions>() ?? new JournalOptions(), Console);
        });
    }

    private static string FormatterName(string? configured, bool underSystemd)
    {
        if (string.IsNullOrWhiteSpace(configured))
            return underSystemd ? ConsoleFormatterNames.Systemd : ConsoleFormatterNames.Simple;
        var known = Formatters.FirstOrDefault(f => string.Equals(f, configured.Trim(), StringComparison.OrdinalIgnoreCase));
        return known ?? throw new InvalidConfigurationException(
            [$"{FormatterNameKey}: '{configured}' is not a log format; use one of {string.Join(", ", Formatters)} (or leave it unset: systemd under systemd, simple elsewhere)"]);
    }
}
