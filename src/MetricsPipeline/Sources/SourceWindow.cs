namespace MetricsPipeline.Sources;

/// <summary>
/// A range of local days of one stream that is pulled and replaced as a whole.
/// <see cref="OpenBefore"/>: the window also owns rows dated before History.From (they are quarantined, not lost).
/// <see cref="OpenAfter"/>: the window reaches today and also owns future-dated and undated rows.
/// </summary>
public sealed record SourceWindow(DateOnly From, DateOnly To, bool OpenBefore, bool OpenAfter)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    public override string ToString() =>
        $"{(OpenBefore ? "(…" : "[")}{From:yyyy-MM-dd}..{To:yyyy-MM-dd}{(OpenAfter ? "…)" : "]")}";
}
