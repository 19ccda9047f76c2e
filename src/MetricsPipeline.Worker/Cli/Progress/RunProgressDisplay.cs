using MetricsPipeline.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli.Progress;

/// <summary>
/// Chooses how run-once and backfill show progress: a live display when stdout is a terminal (the console log is
/// held meanwhile, see <see cref="LiveDisplayLogGate"/>), plain lines otherwise.
/// </summary>
internal static class RunProgressDisplay
{
    public static async Task<T> RunAsync<T>(IServiceProvider services, Func<IRunProgress, Task<T>> run)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return await run(new PlainRunProgress(Console.Out));

        // Only a log that shares the terminal tears the display; one redirected elsewhere (2>file) flows as usual.
        using var held = Console.IsErrorRedirected ? null : services.GetRequiredService<LiveDisplayLogGate>().Hold();
        return await AnsiConsole.Progress()
            .Columns(LiveRunProgress.Columns)
            .StartAsync(context => run(new LiveRunProgress(context)));
    }
}
