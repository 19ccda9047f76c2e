using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Worker.Hosting.Journal;
using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Tests.Unit.Hosting;

/// <summary>The journal provider against a socket bound by the test, with a console stand-in that keeps what it is given.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournalLoggerProviderTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mp-journal-");

    private string SocketPath => Path.Combine(_directory.FullName, "socket");

    [Fact]
    public async Task Log_JournalTakesEntries_SendsEachAsOneEntryAndNothingToTheConsole()
    {
        using var journal = new JournalReceiver(SocketPath);
        var console = new KeepingProvider();
        using var provider = new JournalLoggerProvider(JournalSocket.TryOpen(SocketPath, out _)!, () => console);
        var logger = provider.CreateLogger("MetricsPipeline.Pipeline.SourceRunner");

        using (logger.BeginScope(new Dictionary<string, object?> { ["Source"] = "county-oa", ["RunId"] = 42L }))
            logger.LogWarning(new EventId(73001, "AttemptRetried"), "Attempt {Attempt} of {Window} failed", 2, "[2026-11-29..2026-11-30]");

        Assert.True(await journal.WaitForAsync(e => e.Count == 1, TimeSpan.FromSeconds(5)));
        var entry = journal.Entries[0];
        Assert.Equal("Attempt 2 of [2026-11-29..2026-11-30] failed", entry["MESSAGE"]);
        Assert.Equal("4", entry["PRIORITY"]);
        Assert.Equal("73001", entry["EVENT_ID"]);
        Assert.Equal("county-oa", entry["SOURCE"]);
        Assert.Equal("42", entry["RUN_ID"]);
        Assert.Equal("2", entry["ATTEMPT"]);
        Assert.Empty(console.Lines);
    }

    /// <summary>journald stops: entries go to the console, with one warning; it starts again: entries go to it, with one note.</summary>
    [Fact]
    public async Task Log_JournalGoneAndBack_FallsBackToTheConsoleSayingSoOnceThenReturns()
    {
        var journal = new JournalReceiver(SocketPath);
        var console = new KeepingProvider();
        using var provider = new JournalLoggerProvider(JournalSocket.TryOpen(SocketPath, out _)!, () => console);
        var logger = provider.CreateLogger("Test");
        journal.Dispose();

        logger.LogInformation("first while gone");
        logger.LogInformation("second while gone");

        Assert.Equal(
            ["73302 Warning Sending to the journal socket " + SocketPath, "0 Information first while gone", "0 Information second while gone"],
            console.Lines.Select(l => l.Split(" failed (")[0]));

        using var restarted = new JournalReceiver(SocketPath);
        logger.LogInformation("back");
        logger.LogInformation("still back");

        Assert.True(await restarted.WaitForAsync(e => e.Count == 3, TimeSpan.FromSeconds(5)));
        Assert.Equal(["back", "The journal socket " + SocketPath + " takes entries again", "still back"], restarted.Entries.Select(e => e["MESSAGE"]));
        Assert.Equal("73303", restarted.Entries[1]["EVENT_ID"]);
        Assert.Equal(3, console.Lines.Count);
    }

    [Fact]
    public void Choose_JournalWantedButNoSocket_IsTheConsoleWithOneWarningPerProcess()
    {
        var console = new KeepingProvider();
        var chosen = JournalSelection.Choose(new JournalOptions { Mode = JournalMode.Always, Socket = SocketPath }, () => console);
        Assert.Same(console, chosen);
        // Said once per process: an earlier host in this test run may have said it already.
        Assert.True(console.Lines.Count <= 1);
        Assert.All(console.Lines, l => Assert.StartsWith($"73301 Warning The journal was to get the log (Logging:Journal:Mode Always), but its socket {SocketPath} takes no entries", l));
    }

    [Fact]
    public void Choose_ModeNeverOrAutoWithoutJournalStream_IsTheConsole()
    {
        using var journal = new JournalReceiver(SocketPath);
        var console = new KeepingProvider();
        Assert.Same(console, JournalSelection.Choose(new JournalOptions { Mode = JournalMode.Never, Socket = SocketPath }, () => console));
        // The test runner's stderr is not a journal stream: JOURNAL_STREAM is unset or names something else.
        Assert.False(JournalStream.IsStandardError());
        Assert.Same(console, JournalSelection.Choose(new JournalOptions { Mode = JournalMode.Auto, Socket = SocketPath }, () => console));
        using var always = JournalSelection.Choose(new JournalOptions { Mode = JournalMode.Always, Socket = SocketPath }, () => console);
        Assert.IsType<JournalLoggerProvider>(always);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>The console stand-in: "eventId Level message" per entry.</summary>
    private sealed class KeepingProvider : ILoggerProvider
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Keeping(Lines);

        public void Dispose() { }

        private sealed class Keeping(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines) lines.Add($"{eventId.Id} {logLevel} {formatter(state, exception)}");
            }
        }
    }
}
