using System.Diagnostics;
using System.Text;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>Collects everything a started process writes to stdout and stderr, for assertions and failure messages.</summary>
public sealed class ProcessOutput
{
    private readonly StringBuilder _text = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    public ProcessOutput(Process process)
    {
        _stdout = PumpAsync(process.StandardOutput);
        _stderr = PumpAsync(process.StandardError);
    }

    /// <summary>Waits until both streams are closed (the process has exited).</summary>
    public Task CompletedAsync() => Task.WhenAll(_stdout, _stderr);

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_text)
                _text.AppendLine(line);
        }
    }

    public override string ToString()
    {
        lock (_text)
            return _text.ToString();
    }
}
