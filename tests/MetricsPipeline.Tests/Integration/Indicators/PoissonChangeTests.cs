using System.Globalization;
using Dapper;
using MetricsPipeline.Tests.Infrastructure;
using static MetricsPipeline.Tests.Integration.Indicators.IndicatorScenario;

namespace MetricsPipeline.Tests.Integration.Indicators;

public sealed class PoissonChangeFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestPostgres.CreateWarehouseAsync("poisson");

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>
/// marts.poisson_change_p against reference p-values computed offline with mpmath 1.3.0 (Python 3.11, 40
/// significant digits): the exact one-sided tail of Binomial(n = after + before, share = e_after / (e_after +
/// e_before)) in the observed direction, summed term by term from the observed count outwards:
/// <code>
///   import mpmath as m; m.mp.dps = 40
///   def p(a, b, ea=1, eb=1):
///       n = a + b; s = m.mpf(ea) / (m.mpf(ea) + m.mpf(eb)); upper = a >= n * s
///       lt = m.loggamma(n+1) - m.loggamma(a+1) - m.loggamma(n-a+1) + a*m.log(s) + (n-a)*m.log(1-s)
///       term = total = m.mpf(1); k = a
///       while (k &lt; n if upper else k > 0):
///           term *= ((n-k) / m.mpf(k+1) * s / (1-s)) if upper else (k / m.mpf(n-k+1) * (1-s) / s)
///           total += term; k += 1 if upper else -1
///           if term &lt; m.mpf(10)**-35 * total: break
///       return m.exp(lt) * total
/// </code>
/// Up to 1000 events the function is exact (relative error 1e-11 allowed); above, the signed-root
/// likelihood-ratio approximation must stay within 0.4% where p >= 1e-10 (the score's range) and 3% below.
/// </summary>
public sealed class PoissonChangeTests(PoissonChangeFixture warehouse) : IClassFixture<PoissonChangeFixture>
{
    [Theory]
    [InlineData(5, 15, 1, 1, "0.020694732666015625")]        // 5 of 20 where 10 were expected
    [InlineData(15, 5, 1, 1, "0.020694732666015625")]        // the same rise: the tail in the observed direction
    [InlineData(11, 1, 1, 1, "0.003173828125")]              // issue 12's village: 1 -> 11
    [InlineData(0, 7, 1, 1, "0.0078125")]
    [InlineData(20, 39, 90, 91, "0.010266468902764377")]     // a township's formal documents, exposures in days
    [InlineData(84, 65, 91, 90, "0.079548166175838639")]
    [InlineData(300, 100, 2, 1, "0.00018453045134303696")]   // tasks received by 2 children against one to one
    [InlineData(150, 500, 1, 3, "0.13818646123792285")]
    [InlineData(480, 520, 1, 1, "0.10872414660207047")]
    [InlineData(400, 600, 1, 1, "1.3642320780330092e-10")]
    [InlineData(45, 5, 1, 9, "1.26636045616e-39")]
    [InlineData(3, 0, 1, 1000, "9.9700599001497903e-10")]
    [InlineData(495, 505, 1, 1, "0.38798175747808084")]
    public async Task ExactRange_MatchesTheBinomialTail(long after, long before, int exposureAfter, int exposureBefore, string reference)
        => await AssertCloseAsync(after, before, exposureAfter, exposureBefore, reference, 1e-11);

    [Theory]
    [InlineData(600, 401, 1, 1, "1.7109084925504457e-10")]    // n = 1001: the first past the exact range
    [InlineData(600, 500, 1, 1, "0.0014097724957182138")]
    [InlineData(1200, 1000, 1, 1, "1.0908513203957356e-5")]
    [InlineData(1100, 900, 1, 1, "4.2285447677519636e-6")]
    [InlineData(1050, 950, 1, 1, "0.013412073120140348")]
    [InlineData(5200, 5000, 1, 1, "0.024393981563411227")]
    [InlineData(5000, 5200, 91, 90, "0.0057287135048355247")]
    [InlineData(30000, 29000, 1, 1, "1.9535104839149857e-5")]
    [InlineData(1000000, 1003000, 1, 1, "0.017044182539719692")]  // counts of millions
    public async Task AboveTheExactRange_StaysWithinAFractionOfAPercent(long after, long before, int exposureAfter, int exposureBefore, string reference)
        => await AssertCloseAsync(after, before, exposureAfter, exposureBefore, reference, 4e-3);

    [Theory]
    [InlineData(90000, 100000, 1, 1, "8.3472297537207682e-117")]
    [InlineData(500000, 510000, 1, 1, "1.2678107851816249e-23")]
    [InlineData(2000000, 1990000, 90, 91, "3.2639742538213121e-58")]
    [InlineData(3000, 1000, 1, 1, "1.2457572693149533e-229")]   // computed in log space: the tail of 1e-229 keeps its digits
    public async Task FarTail_NeitherUnderflowsNorDrifts(long after, long before, int exposureAfter, int exposureBefore, string reference)
        => await AssertCloseAsync(after, before, exposureAfter, exposureBefore, reference, 3e-2);

    [Fact]
    public async Task NoEvents_GiveOne_AndNegativeCountsAreRefusedByName()
    {
        await using var db = await OpenAsync(warehouse.ConnectionString);
        Assert.Equal(1.0, await db.ExecuteScalarAsync<double>("SELECT marts.poisson_change_p(0, 0)"));
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.ExecuteScalarAsync<double>("SELECT marts.poisson_change_p(-1, 3)"));
        Assert.Contains("poisson_change_p: counts must be >= 0", error.MessageText);
    }

    [Theory]
    [InlineData(0.001, 3.0)]
    [InlineData(0.0207, 1.68)]
    [InlineData(1e-12, 10.0)]   // capped
    [InlineData(1.0, 0.0)]
    public async Task Score_IsMinusLog10P_CappedAtTen(double p, double score)
    {
        await using var db = await OpenAsync(warehouse.ConnectionString);
        Assert.Equal((decimal)score, await db.ExecuteScalarAsync<decimal>("SELECT marts.signal_score(@p)", new { p }));
    }

    private async Task AssertCloseAsync(long after, long before, int exposureAfter, int exposureBefore, string reference, double relative)
    {
        await using var db = await OpenAsync(warehouse.ConnectionString);
        var p = await db.ExecuteScalarAsync<double>(
            "SELECT marts.poisson_change_p(@after, @before, @exposureAfter, @exposureBefore)",
            new { after = (decimal)after, before = (decimal)before, exposureAfter = (decimal)exposureAfter, exposureBefore = (decimal)exposureBefore });
        var expected = double.Parse(reference, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(p - expected) <= relative * expected,
            $"poisson_change_p({after}, {before}, {exposureAfter}, {exposureBefore}) = {p:R}, reference {reference} (relative error {Math.Abs(p - expected) / expected:E2}, allowed {relative:E0})");
    }
}
