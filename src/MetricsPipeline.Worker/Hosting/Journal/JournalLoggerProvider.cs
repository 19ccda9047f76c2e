using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// Writes every log event as one structured journal entry (<see cref="JournalEvent"/>) to the journal's native socket.
/// When a send fails (journald stopped or restarting), the entry goes to stderr through the console logger instead,
/// with one warning that says so (73302), and the next entries try the journal again; the first that gets through says
/// so too (73303). Keeps the "Journal" alias, so Logging:Journal:LogLevel applies to it alone.
/// </summary>
[ProviderAlias("Journal")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class JournalLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly JournalSocket _socket;
    private readonly Lazy<ILoggerProvider> _fallback;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    private int _failing;

    /// <param name="socket">The journal.</param>
    /// <param name="console">Makes the console logger that takes the entries the journal does not; made on the first failure.</param>
    public JournalLoggerProvider(JournalSocket socket, Func<ILoggerProvider> console)
    {
        _socket = socket;
        _fallback = new Lazy<ILoggerProvider>(() =>
        {
            var provider = console();
            (provider as ISupportExternalScope)?.SetScopeProvider(_scopes);
            return provider;
        });
    }

    public ILogger CreateLogger(string categoryName) => new JournalLogger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var entry = JournalEvent.Build(category, level, eventId, state, exception, formatter, _scopes);
        try
        {
            _socket.Send(entry.Payload);
        }
        catch (Exception failure) when (failure is SocketException or IOException or ObjectDisposedException)
        {
            var console = _fallback.Value;
            if (Interlocked.Exchange(ref _failing, 1) == 0)
                JournalLog.SendFailed(console.CreateLogger(JournalLog.Category), _socket.Path, failure.Message);
            console.CreateLogger(category).Log(level, eventId, state, exception, formatter);
            return;
        }
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
            JournalLog.Recovered(CreateLogger(JournalLog.Category), _socket.Path);
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_fallback.IsValueCreated)
            _fallback.Value.Dispose();
    }

    private sealed class JournalLogger(string category, JournalLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                provider.Write(category, logLevel, eventId, state, exception, formatter);
        }
    }
}
