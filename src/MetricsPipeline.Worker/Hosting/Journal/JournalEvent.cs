using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// What one log event becomes in the journal. Fields of every entry: MESSAGE (the formatted message), PRIORITY (syslog
/// level: 7 debug for Trace and Debug, 6 info, 4 warning, 3 err, 2 crit), SYSLOG_IDENTIFIER (metrics-pipeline), LOGGER
/// (the category), EVENT_ID and EVENT_NAME (the product's stable id and its method's name), EXCEPTION and EXCEPTION_TYPE
/// when there is one, TRACE_ID and SPAN_ID inside a traced run or window. Then each property of the event
/// (SOURCE, STREAM, WINDOW, REASON …) and of the scopes it was logged in, innermost first (the run's SOURCE and RUN_ID,
/// the window's STREAM, WINDOW, DAY_FROM, DAY_TO, the ops.windows row's WINDOW_ID), named as
/// <see cref="JournalFieldName.FromProperty"/> says; a name already taken keeps its first value, and a property whose
/// name is one the journal or this list uses itself (a "Message" argument, say) gets the prefix ARG_.
/// </summary>
internal static class JournalEvent
{
    public const string Identifier = "metrics-pipeline";

    private const string OriginalFormat = "{OriginalFormat}";

    /// <summary>The journal's own fields (systemd.journal-fields(7)) and this client's: a property never takes their place.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "MESSAGE", "MESSAGE_ID", "PRIORITY", "ERRNO", "INVOCATION_ID", "USER_INVOCATION_ID", "DOCUMENTATION", "TID", "UNIT", "USER_UNIT",
        "LOGGER", "EVENT_ID", "EVENT_NAME", "EXCEPTION", "EXCEPTION_TYPE", "TRACE_ID", "SPAN_ID", "SCOPE",
    };

    private static readonly string[] ReservedPrefixes = ["CODE_", "SYSLOG_", "OBJECT_", "COREDUMP_"];

    public static JournalEntry Build<TState>(
        string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter,
        IExternalScopeProvider? scopes)
    {
        var entry = new JournalEntry();
        var message = formatter(state, exception);
        entry.Add("MESSAGE", string.IsNullOrEmpty(message) && exception is not null ? exception.Message : message);
        entry.Add("PRIORITY", Priority(level));
        entry.Add("SYSLOG_IDENTIFIER", Identifier);
        entry.Add("LOGGER", category);
        if (eventId.Id != 0)
            entry.Add("EVENT_ID", eventId.Id.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(eventId.Name))
            entry.Add("EVENT_NAME", eventId.Name);
        if (exception is not null)
        {
            entry.Add("EXCEPTION", exception.ToString());
            entry.Add("EXCEPTION_TYPE", exception.GetType().FullName ?? exception.GetType().Name);
        }
        if (Activity.Current is { } activity)
        {
            entry.Add("TRACE_ID", activity.TraceId.ToHexString());
            entry.Add("SPAN_ID", activity.SpanId.ToHexString());
        }
        if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            AddProperties(entry, properties);
        if (scopes is not null)
        {
            var logged = new List<object?>();
            scopes.ForEachScope(static (scope, list) => list.Add(scope), logged);
            for (var i = logged.Count - 1; i >= 0; i--)
            {
                if (logged[i] is IEnumerable<KeyValuePair<string, object?>> scopeProperties)
                    AddProperties(entry, scopeProperties);
                else if (Text(logged[i]) is { } text)
                    entry.AddRepeated("SCOPE", text); // a scope without properties (a plain string): its text, one SCOPE field each
            }
        }
        return entry;
    }

    /// <summary>The syslog priority systemd's console formatter gives each level (journald reads the same digits).</summary>
    public static string Priority(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "7",
        LogLevel.Information => "6",
        LogLevel.Warning => "4",
        LogLevel.Error => "3",
        LogLevel.Critical => "2",
        _ => "6",
    };

    /// <summary>The journal field of a property: its name as the journal takes it, ARG_ before a name that is taken.</summary>
    public static string? FieldOf(string property)
    {
        var name = JournalFieldName.FromProperty(property);
        if (name is null)
            return null;
        if (Reserved.Contains(name) || ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            name = ("ARG_" + name)[..Math.Min(JournalFieldName.MaxLength, name.Length + 4)];
        return name;
    }

    private static void AddProperties(JournalEntry entry, IEnumerable<KeyValuePair<string, object?>> properties)
    {
        foreach (var (key, value) in properties)
        {
            if (key != OriginalFormat && FieldOf(key) is { } name && Text(value) is { } text)
                entry.Add(name, text);
        }
    }

    /// <summary>A value as text a reader and a filter can use: days as yyyy-MM-dd, times as ISO 8601, numbers invariant.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(i => Text(i) ?? "")),
        _ => value.ToString(),
    };
}
