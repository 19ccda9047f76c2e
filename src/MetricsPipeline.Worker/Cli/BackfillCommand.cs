using MetricsPipeline.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MetricsPipeline.Worker.Cli;

internal static class BackfillCommand
{
    public static Task<int> RunAsync(FileInfo? config, DateOnly from, DateOnly to, string? source, CancellationToken cancellationToken) =>
        VerbHost.RunAsync(config, validatePipeline: true, async services =>
        {
            if (to < from)
            {
                Console.Error.WriteLine($"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}");
                return VerbHost.InvalidConfiguration;
            }
            var runner = services.GetRequiredService<PipelineRunner>();
            if (!SourceSelection.IsKnown(source, runner.Sources))
                return VerbHost.InvalidConfiguration;
            IReadOnlyList<SourceRunResult> results = [];
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    var progress = new SynchronousProgress<WindowProgress>(p =>
                    {
                        var key = $"{p.Source}/{p.Stream}";
                        lock (tasks)
                        {
                            if (!tasks.TryGetValue(key, out var task))
                                tasks[key] = task = context.AddTask(Markup.Escape(key), maxValue: p.Count);
                            task.Value = p.Index;
                            task.Description = Markup.Escape($"{key} {p.Window.To:yyyy-MM}") + (p.Error is null ? "" : " [red]failed[/]");
                            if (p.Error is not null) task.StopTask();
                        }
                    });
                    results = await runner.RunAsync(RunRequest.Backfill(from, to), source, progress, cancellationToken);
                });
            RunSummaryTable.Write(results);
            return results.All(r => r.Succeeded) ? VerbHost.Success : VerbHost.Failed;
        }, cancellationToken: cancellationToken);

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder updates).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
