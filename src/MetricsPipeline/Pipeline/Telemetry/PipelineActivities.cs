using System.Diagnostics;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Pipeline.Telemetry;

/// <summary>
/// The pipeline's trace spans on the ActivitySource "MetricsPipeline": one per run of a source, one per window (or
/// file) inside it, one per indicator refresh. With no listener (no OTLP endpoint configured) StartActivity returns
/// null and they cost nothing. Attribute names are listed in README ("Traces").
/// </summary>
public static class PipelineActivities
{
    public const string SourceName = "MetricsPipeline";

    public const string Run = "metrics_pipeline.run";
    public const string Window = "metrics_pipeline.window";
    public const string IndicatorRefresh = "metrics_pipeline.indicators.refresh";

    private static readonly ActivitySource Source = new(SourceName, BuildInfo.Version);

    public static Activity? StartRun(string source, string trigger) =>
        Source.StartActivity(Run)?
            .SetTag("metrics_pipeline.source", source)
            .SetTag("metrics_pipeline.trigger", trigger);

    /// <summary>A window of a database stream (its days known in advance) or a file (<paramref name="window"/> null: its days are known once read).</summary>
    public static Activity? StartWindow(string source, string stream, SourceWindow? window, string? file = null)
    {
        var activity = Source.StartActivity(Window)?
            .SetTag("metrics_pipeline.source", source)
            .SetTag("metrics_pipeline.stream", stream);
        if (window is not null)
            activity.SetDays(window);
        if (file is not null)
            activity?.SetTag("metrics_pipeline.file", file);
        return activity;
    }

    public static Activity? SetDays(this Activity? activity, SourceWindow window) => activity?
        .SetTag("metrics_pipeline.window.from", window.From.ToString("yyyy-MM-dd"))
        .SetTag("metrics_pipeline.window.to", window.To.ToString("yyyy-MM-dd"))
        .SetTag("metrics_pipeline.window", window.ToString());

    public static Activity? StartIndicatorRefresh() => Source.StartActivity(IndicatorRefresh);

    /// <summary>A window that committed: its row counts, outcome succeeded.</summary>
    public static void Succeeded(this Activity? activity, WindowOutcome outcome)
    {
        if (activity is null)
            return;
        activity.SetDays(outcome.Window); // a file's days are known only once it is read
        activity.SetTag("metrics_pipeline.rows.source", outcome.Counts.SourceRows)
            .SetTag("metrics_pipeline.rows.facts", outcome.Counts.FactRows)
            .SetTag("metrics_pipeline.rows.quarantined", outcome.Counts.QuarantinedRows)
            .SetOutcome(null);
    }

    /// <summary>Outcome succeeded (error null) or failed, with the error as the span's status description.</summary>
    public static Activity? SetOutcome(this Activity? activity, string? error, string? outcome = null)
    {
        if (activity is null)
            return null;
        activity.SetTag("metrics_pipeline.outcome", outcome ?? (error is null ? "succeeded" : "failed"));
        activity.SetStatus(error is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error, error);
        return activity;
    }
}
