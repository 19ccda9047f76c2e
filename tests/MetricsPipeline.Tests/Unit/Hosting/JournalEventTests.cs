using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Worker.Hosting.Journal;
using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Tests.Unit.Hosting;

public sealed partial class JournalEventTests
{
    [LoggerMessage(EventId = 71999, Level = LogLevel.Information, Message = "Loaded {Source}/{Stream} {Window}: {SourceRows} rows in {ElapsedMs:F0} ms")]
    private static partial void Loaded(ILogger logger, string source, string stream, string window, long sourceRows, double elapsedMs);

    private static readonly Func<ILogger, string, long, IDisposable?> RunScope = LoggerMessage.DefineScope<string, long>("Source {Source} run {RunId}");

    [Fact]
    public void Build_LoggerMessageEventInScopes_CarriesTheFixedFieldsTheEventsPropertiesAndTheScopes()
    {
        var (logger, scopes) = Capturing();
        JournalRecord entry;
        using (RunScope(logger.Logger, "county-oa", 42))
        using (logger.Logger.BeginScope(new Dictionary<string, object?> { ["Stream"] = "documents", ["DayFrom"] = new DateOnly(2026, 11, 29), ["WindowId"] = 7L }))
        {
            Loaded(logger.Logger, "county-oa", "documents", "(…2026-11-29..2026-11-30]", 1200, 35.4);
            var (level, eventId, state, formatter) = logger.Single();
            // Built while the scopes are open, as the provider builds it when the event is logged.
            entry = JournalWire.Parse(JournalEvent.Build("MetricsPipeline.Pipeline.SourceRunner", level, eventId, state, null, formatter, scopes).Payload);
        }

        Assert.Equal("Loaded county-oa/documents (…2026-11-29..2026-11-30]: 1200 rows in 35 ms", entry["MESSAGE"]);
        Assert.Equal("6", entry["PRIORITY"]);
        Assert.Equal("metrics-pipeline", entry["SYSLOG_IDENTIFIER"]);
        Assert.Equal("MetricsPipeline.Pipeline.SourceRunner", entry["LOGGER"]);
        Assert.Equal("71999", entry["EVENT_ID"]);
        Assert.Equal("Loaded", entry["EVENT_NAME"]);
        Assert.Equal("county-oa", entry["SOURCE"]);
        Assert.Equal("documents", entry["STREAM"]);
        Assert.Equal("(…2026-11-29..2026-11-30]", entry["WINDOW"]);
        Assert.Equal("1200", entry["SOURCE_ROWS"]);
        Assert.Equal("35.4", entry["ELAPSED_MS"]); // invariant culture, not the message's format
        Assert.Equal("42", entry["RUN_ID"]);
        Assert.Equal("2026-11-29", entry["DAY_FROM"]);
        Assert.Equal("7", entry["WINDOW_ID"]);
        Assert.DoesNotContain(entry.Fields, f => f.Name.Contains("ORIGINAL", StringComparison.Ordinal));
        // Every name once: the event's SOURCE and the run scope's SOURCE are one field.
        Assert.Equal(entry.Fields.Count, entry.Fields.Select(f => f.Name).Distinct().Count());
        Assert.All(entry.Fields, f => Assert.True(JournalFieldName.IsValid(f.Name), f.Name));
    }

    [Fact]
    public void Build_PropertyNamedLikeAJournalField_IsPrefixedAndNeverReplacesIt()
    {
        var state = new Dictionary<string, object?> { ["Message"] = "the lock was lost", ["Priority"] = 1, ["SyslogIdentifier"] = "x", ["CodeLine"] = 3 };
        var entry = JournalWire.Parse(JournalEvent.Build("C", LogLevel.Warning, new EventId(71005), state, null, (_, _) => "Source a/b: the lock was lost", null).Payload);

        Assert.Equal("Source a/b: the lock was lost", entry["MESSAGE"]);
        Assert.Equal("4", entry["PRIORITY"]);
        Assert.Equal("metrics-pipeline", entry["SYSLOG_IDENTIFIER"]);
        Assert.Equal("the lock was lost", entry["ARG_MESSAGE"]);
        Assert.Equal("1", entry["ARG_PRIORITY"]);
        Assert.Equal("x", entry["ARG_SYSLOG_IDENTIFIER"]);
        Assert.Equal("3", entry["ARG_CODE_LINE"]);
    }

    [Fact]
    public void Build_Exception_GoesWholeInTheBinaryFormWithItsType()
    {
        Exception thrown;
        try { throw new InvalidOperationException("the warehouse refused\nsecond line"); }
        catch (InvalidOperationException ex) { thrown = ex; }

        var entry = JournalWire.Parse(JournalEvent.Build("C", LogLevel.Error, new EventId(71102, "WindowFailed"), "failed", thrown, (s, _) => s, null).Payload);
        Assert.Equal("3", entry["PRIORITY"]);
        Assert.Equal("failed", entry["MESSAGE"]);
        Assert.Equal(thrown.ToString(), entry["EXCEPTION"]);
        Assert.Contains(nameof(Build_Exception_GoesWholeInTheBinaryFormWithItsType), entry["EXCEPTION"]); // the stack trace
        Assert.Equal("System.InvalidOperationException", entry["EXCEPTION_TYPE"]);
    }

    [Theory]
    [InlineData(LogLevel.Trace, "7")]
    [InlineData(LogLevel.Debug, "7")]
    [InlineData(LogLevel.Information, "6")]
    [InlineData(LogLevel.Warning, "4")]
    [InlineData(LogLevel.Error, "3")]
    [InlineData(LogLevel.Critical, "2")]
    public void Priority_IsTheSyslogLevel(LogLevel level, string priority) => Assert.Equal(priority, JournalEvent.Priority(level));

    [Fact]
    public void Build_ScopeWithoutProperties_IsAScopeField()
    {
        var scopes = new LoggerExternalScopeProvider();
        using (scopes.Push("outer"))
        using (scopes.Push("inner"))
        {
            var entry = JournalWire.Parse(JournalEvent.Build("C", LogLevel.Information, default, "m", null, (s, _) => s, scopes).Payload);
            Assert.Equal(["inner", "outer"], entry.Values("SCOPE"));
            Assert.Null(entry["EVENT_ID"]); // no id, no field
        }
    }

    /// <summary>A logger that keeps what it is given, and the scopes it was given them in.</summary>
    private static (CapturingLogger Logger, IExternalScopeProvider Scopes) Capturing()
    {
        var scopes = new LoggerExternalScopeProvider();
        return (new CapturingLogger(scopes), scopes);
    }

    private sealed class CapturingLogger(IExternalScopeProvider scopes) : ILogger
    {
        private readonly List<(LogLevel, EventId, object, Func<object, Exception?, string>)> _events = [];

        public ILogger Logger => this;

        public (LogLevel Level, EventId EventId, object State, Func<object, Exception?, string> Formatter) Single() => Assert.Single(_events);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _events.Add((logLevel, eventId, state!, (s, e) => formatter((TState)s, e)));
    }
}
