using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Hosting;

/// <summary>
/// Holds the console log while a live progress display owns the terminal: lines below Warning are dropped (the
/// display shows the same progress, and the per-window lines are in the run ledger), Warning and above are kept
/// and written, in order and in the configured format, when the display ends. Outside a display it lets every
/// line through at once.
/// </summary>
public sealed class LiveDisplayLogGate
{
    private readonly Lock sync = new();
    private readonly List<Action> held = [];
    private bool holding;

    /// <summary>Starts holding; dispose the result to stop and write what was held.</summary>
    public IDisposable Hold()
    {
        lock (sync) holding = true;
        return new Release(this);
    }

    /// <summary>True when the entry was taken (held or dropped) and the console must not write it now.</summary>
    internal bool TryTake(LogLevel level, Action write)
    {
        lock (sync)
        {
            if (!holding)
                return false;
            if (level >= LogLevel.Warning)
                held.Add(write);
            return true;
        }
    }

    private void Flush()
    {
        List<Action> lines;
        lock (sync)
        {
            holding = false;
            lines = [.. held];
            held.Clear();
        }
        foreach (var write in lines)
            write();
    }

    private sealed class Release(LiveDisplayLogGate gate) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
                gate.Flush();
        }
    }
}

/// <summary>The console logger behind a <see cref="LiveDisplayLogGate"/>; keeps the "Console" alias, so Logging:Console:LogLevel still applies.</summary>
[ProviderAlias("Console")]
internal sealed class GatedConsoleLoggerProvider(ILoggerProvider console, LiveDisplayLogGate gate) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => new GatedLogger(console.CreateLogger(categoryName), gate);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (console as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

    public void Dispose() => console.Dispose();

    private sealed class GatedLogger(ILogger inner, LiveDisplayLogGate gate) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!gate.TryTake(logLevel, () => inner.Log(logLevel, eventId, state, exception, formatter)))
                inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
