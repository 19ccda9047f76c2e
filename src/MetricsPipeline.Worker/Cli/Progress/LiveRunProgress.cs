using MetricsPipeline.Pipeline;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MetricsPipeline.Worker.Cli.Progress;

/// <summary>
/// The live display on a terminal: a bar per stream with its rows/s and remaining time (<see cref="StreamRate"/>),
/// and a spinner task for the indicator refresh while marts.refresh_queued() runs.
/// </summary>
internal sealed class LiveRunProgress(ProgressContext context) : IRunProgress
{
    private const string RowsKey = "rows";
    private const string RefreshKey = "refresh";
    private readonly Dictionary<string, ProgressTask> streams = [];
    private ProgressTask? refresh;

    public static ProgressColumn[] Columns =>
    [
        new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(),
        new ElapsedTimeColumn(), new RemainingColumn(), new SpinnerColumn(),
    ];

    public void Report(WindowProgress p)
    {
        var key = $"{p.Source}/{p.Stream}";
        lock (streams)
        {
            if (!streams.TryGetValue(key, out var task))
                streams[key] = task = context.AddTask(Markup.Escape(key), maxValue: p.Count);
            task.State.Update<long>(RowsKey, rows => rows + (p.Outcome?.Counts.SourceRows ?? 0));
            task.MaxValue = p.Count;
            task.Value = p.Index;
            task.Description = Markup.Escape($"{key} {p.Window.To:yyyy-MM}") + (p.Error is null ? "" : " [red]failed[/]");
            if (p.Error is not null || p.Index >= p.Count) task.StopTask();
        }
    }

    public void Report(RefreshProgress p)
    {
        lock (streams)
        {
            if (!p.Finished)
            {
                refresh = context.AddTask("indicator refresh", maxValue: 1);
                refresh.IsIndeterminate = true;
                refresh.State.Update<bool>(RefreshKey, _ => true);
                return;
            }
            if (refresh is null) return;
            refresh.IsIndeterminate = false;
            refresh.Description = p.Error is null
                ? $"indicator refresh [green]done[/] ({p.Loads} load(s))"
                : "indicator refresh [red]failed[/]";
            refresh.Value = 1;
            refresh.StopTask();
        }
    }

    private static StreamRate RateOf(ProgressTask task) =>
        new(task.State.Get<long>(RowsKey), (int)task.Value, (int)task.MaxValue, task.ElapsedTime ?? TimeSpan.Zero);

    private static bool IsStream(ProgressTask task) => !task.State.Get<bool>(RefreshKey);

    /// <summary>Source rows so far over the stream's elapsed time.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(IsStream(task) ? StreamRate.FormatRate(RateOf(task).RowsPerSecond) : "", Color.Grey);
    }

    /// <summary>Time left at the stream's average pace per window so far.</summary>
    private sealed class RemainingColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(IsStream(task) ? StreamRate.FormatRemaining(RateOf(task).Remaining) : "", Color.Blue);
    }
}
