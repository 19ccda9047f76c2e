using MetricsPipeline.Worker.Hosting;
using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Tests.Unit.Cli;

public sealed class LiveDisplayLogGateTests
{
    [Fact]
    public void WhileHeld_LinesBelowWarningAreDropped_AndWarningsAreWrittenInOrderWhenTheDisplayEnds()
    {
        var console = new RecordingProvider();
        var gate = new LiveDisplayLogGate();
        using var provider = new GatedConsoleLoggerProvider(console, gate);
        var logger = provider.CreateLogger("Test");

        logger.LogInformation("before");
        using (gate.Hold())
        {
            logger.LogInformation("info during");
            logger.LogDebug("debug during");
            logger.LogWarning("warning during");
            logger.LogError("error during");
            Assert.Equal(["before"], console.Lines);
        }
        logger.LogInformation("after");

        Assert.Equal(["before", "warning during", "error during", "after"], console.Lines);
    }

    private sealed class RecordingProvider : ILoggerProvider, ILogger
    {
        public List<string> Lines { get; } = [];
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
        public void Dispose() { }
    }
}
