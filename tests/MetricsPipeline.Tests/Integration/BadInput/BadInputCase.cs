using MetricsPipeline.Pipeline;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.BadInput;

/// <summary>
/// One bad input and the outcome the product promises for it. Row problems: quarantined with a reason and a
/// count, reconciliation still holds. Source problems: that stream's window (or file) fails with an error
/// naming source, stream and cause; earlier data stays; other sources run. Configuration problems: start-up
/// stops with the key named (see ConfigurationCorpusTests).
/// </summary>
public sealed record BadInputCase(string Name, string Provider, Func<PipelineHarness, Task> Arrange, Expected Expected)
{
    public override string ToString() => Name;
}

public abstract record Expected;

/// <summary>The rows are quarantined with this reason and count; everything else loads.</summary>
public sealed record Quarantined(string Stream, string Reason, long Rows) : Expected;

/// <summary>The rows become facts on this day (no quarantine).</summary>
public sealed record CountedOn(string Stream, string Unit, string Category, DateOnly Day, decimal Count) : Expected;

/// <summary>
/// The window or file fails with an error containing this text; the other source still succeeds. The
/// stored error and the run's error hold no control character and never <paramref name="MustNotContain"/>
/// (file content that must not be echoed).
/// </summary>
public sealed record Failed(string Source, string Stream, string ErrorContains, string? MustNotContain = null) : Expected;

/// <summary>The file loads with no data rows and no error.</summary>
public sealed record LoadedEmpty(string Stream) : Expected;

public static class Outcome
{
    public static async Task AssertAsync(PipelineHarness h, IReadOnlyList<SourceRunResult> results, Expected expected)
    {
        switch (expected)
        {
            case Quarantined q:
                Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
                Assert.Equal(q.Rows, await h.ScalarAsync<long>(
                    "SELECT coalesce(sum(row_count), 0)::bigint FROM ops.quarantine WHERE stream = @Stream AND reason = @Reason", q));
                await AssertReconciledAsync(h);
                break;
            case CountedOn c:
                Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
                Assert.Equal(c.Count, await h.FactAsync(c.Stream, c.Unit, c.Category, "count", c.Day));
                Assert.Equal(0, await h.ScalarAsync<long>("SELECT count(*) FROM ops.quarantine WHERE stream = @Stream", c));
                break;
            case Failed f:
                var failed = Assert.Single(results, r => r.Source == f.Source);
                Assert.False(failed.Succeeded, $"{f.Source} should have failed");
                Assert.Contains(f.ErrorContains, failed.Error, StringComparison.OrdinalIgnoreCase);
                Assert.Contains($"{f.Source}/{f.Stream}", failed.Error);
                Assert.All(results.Where(r => r.Source != f.Source), r => Assert.True(r.Succeeded, r.Error));
                var error = await h.ScalarAsync<string>("SELECT error FROM ops.windows WHERE status = 'failed' AND stream = @Stream ORDER BY window_id DESC LIMIT 1", f);
                Assert.Contains(f.ErrorContains, error, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(error!, char.IsControl);
                Assert.DoesNotContain(failed.Error!, char.IsControl);
                if (f.MustNotContain is { } secret)
                {
                    Assert.DoesNotContain(secret, error);
                    Assert.DoesNotContain(secret, failed.Error);
                }
                // Windows before the failing one may have loaded; the failed one and everything after it did not.
                Assert.Equal(0, await h.ScalarAsync<long>("""
                    SELECT count(*) FROM ops.coverage c
                    WHERE c.stream = @Stream AND c.day >= (SELECT min(day_from) FROM ops.windows WHERE status = 'failed' AND stream = @Stream)
                    """, f));
                break;
            case LoadedEmpty e:
                Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
                Assert.Equal(0, await h.ScalarAsync<long>("SELECT data_rows FROM ops.file_loads WHERE stream = @Stream", e));
                break;
        }
    }

    private static async Task AssertReconciledAsync(PipelineHarness h) =>
        Assert.Equal(0, await h.ScalarAsync<long>(
            "SELECT count(*) FROM ops.windows WHERE status = 'succeeded' AND source_rows <> fact_rows + quarantined_rows"));
}
