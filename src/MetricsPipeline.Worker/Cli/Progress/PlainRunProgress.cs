using System.Globalization;
using MetricsPipeline.Pipeline;

namespace MetricsPipeline.Worker.Cli.Progress;

/// <summary>
/// Progress as plain lines, for stdout that is not a terminal (a file, CI, journald): one line per window and
/// one for the start and the end of the indicator refresh, nothing that redraws, no control sequences.
/// </summary>
internal sealed class PlainRunProgress(TextWriter output) : IRunProgress
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly Lock sync = new();

    public void Report(WindowProgress p)
    {
        string line;
        if (p.Outcome is { } o)
        {
            var seconds = o.Duration.TotalSeconds;
            var rate = new StreamRate(o.Counts.SourceRows, 1, 1, o.Duration).RowsPerSecond;
            line = string.Create(Invariant,
                $"window {p.Source}/{p.Stream} {p.Window} ({p.Index}/{p.Count}): {o.Counts.SourceRows:N0} rows, {o.Counts.FactRows:N0} facts, " +
                $"{o.Counts.QuarantinedRows:N0} quarantined, {seconds:0.0} s, {StreamRate.FormatRate(rate)}");
        }
        else
            line = $"window {p.Source}/{p.Stream} {p.Window} ({p.Index}/{p.Count}): failed: {p.Error}";
        Write(line);
    }

    public void Report(RefreshProgress p) => Write(!p.Finished
        ? "indicator refresh: started (marts.refresh_queued())"
        : p.Error is null
            ? string.Create(Invariant, $"indicator refresh: done in {p.Duration.TotalSeconds:0.0} s ({p.Loads} load(s))")
            : string.Create(Invariant, $"indicator refresh: failed after {p.Duration.TotalSeconds:0.0} s: {p.Error}"));

    private void Write(string line)
    {
        lock (sync)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
