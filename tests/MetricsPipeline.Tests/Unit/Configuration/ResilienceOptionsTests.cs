using MetricsPipeline.Configuration;

namespace MetricsPipeline.Tests.Unit.Configuration;

public sealed class ResilienceOptionsTests : IDisposable
{
    private readonly string _orgUnits = Path.GetTempFileName();

    public void Dispose() => File.Delete(_orgUnits);

    private PipelineOptions Valid() => new()
    {
        OrgUnits = _orgUnits,
        Sources =
        [
            new SourceOptions
            {
                Name = "county-oa", Provider = "postgres", ConnectionString = "Host=x",
                Streams = [new StreamOptions { Name = "documents", Table = "oa.documents", Timestamp = "issued_at", Unit = "unit_code", Category = "document.formal" }],
            },
        ],
    };

    [Fact]
    public void Compile_DefaultResilienceAndFreshness_AreValidAndReachThePlan()
    {
        var plan = Assert.Single(PipelinePlan.Compile(Valid(), out var errors));
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMinutes(5), plan.Resilience.AttemptTimeout);
        Assert.True(plan.Resilience.AttemptTimeout <= plan.QueryTimeout, "the default attempt timeout must fit in the default window timeout");
        Assert.Equal(3, plan.Resilience.MaxRetries);
        Assert.Equal(4, plan.Resilience.BreakerMinimumThroughput);
        Assert.Equal(TimeSpan.FromDays(2), plan.ExpectedFreshness);
    }

    public static TheoryData<string, Action<SourceOptions>, string> BadSettings => new()
    {
        { "attempt longer than window", s => s.Resilience.AttemptTimeout = TimeSpan.FromMinutes(11), "Pipeline:Sources:0:Resilience:AttemptTimeout" },
        { "zero attempt timeout", s => s.Resilience.AttemptTimeout = TimeSpan.Zero, "Pipeline:Sources:0:Resilience:AttemptTimeout" },
        { "negative retries", s => s.Resilience.MaxRetries = -1, "Pipeline:Sources:0:Resilience:MaxRetries" },
        { "negative delay", s => s.Resilience.RetryDelay = TimeSpan.FromSeconds(-1), "Pipeline:Sources:0:Resilience:RetryDelay" },
        { "ratio above one", s => s.Resilience.BreakerFailureRatio = 1.5, "Pipeline:Sources:0:Resilience:BreakerFailureRatio" },
        { "ratio zero", s => s.Resilience.BreakerFailureRatio = 0, "Pipeline:Sources:0:Resilience:BreakerFailureRatio" },
        { "throughput one", s => s.Resilience.BreakerMinimumThroughput = 1, "Pipeline:Sources:0:Resilience:BreakerMinimumThroughput" },
        { "sampling too short", s => s.Resilience.BreakerSamplingDuration = TimeSpan.FromMilliseconds(100), "Pipeline:Sources:0:Resilience:BreakerSamplingDuration" },
        { "break too long", s => s.Resilience.BreakerDuration = TimeSpan.FromDays(2), "Pipeline:Sources:0:Resilience:BreakerDuration" },
        { "window over a day", s => s.QueryTimeout = TimeSpan.FromDays(2), "Pipeline:Sources:0:QueryTimeout" },
        { "freshness zero", s => s.ExpectedFreshness = TimeSpan.Zero, "Pipeline:Sources:0:ExpectedFreshness" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Compile_BadResilienceOrFreshnessSetting_NamesTheKey(string _, Action<SourceOptions> breakIt, string expectedKey)
    {
        var options = Valid();
        breakIt(options.Sources[0]);
        PipelinePlan.Compile(options, out var errors);
        Assert.Contains(errors, e => e.StartsWith(expectedKey + ":", StringComparison.Ordinal));
    }
}
