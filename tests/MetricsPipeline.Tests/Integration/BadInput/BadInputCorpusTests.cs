using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.BadInput;

public sealed class BadInputCorpusTests
{
    public static TheoryData<string> CaseNames => new(BadInputCorpus.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task RunOnce_BadInput_HasItsDocumentedOutcome(string name)
    {
        var badInput = BadInputCorpus.Cases.Single(c => c.Name == name);
        await using var h = await PipelineHarness.CreateAsync("bad");
        await h.ExecuteSqliteAsync("INSERT INTO checkins (unit_code, kind, checked_at) VALUES ('V01', 'CHECKIN', '2025-03-02 09:00:00')");
        await badInput.Arrange(h);

        var results = await h.RunOnceAsync();

        await Outcome.AssertAsync(h, results, badInput.Expected);
    }

    [Fact]
    public void Corpus_HasAtLeastThirtyCasesAcrossEveryProvider()
    {
        Assert.True(BadInputCorpus.Cases.Count >= 30, $"{BadInputCorpus.Cases.Count} cases");
        Assert.Equal(["files", "mysql", "postgres", "sqlite"], BadInputCorpus.Cases.Select(c => c.Provider).Distinct().Order());
        Assert.Equal(BadInputCorpus.Cases.Count, BadInputCorpus.Cases.Select(c => c.Name).Distinct().Count());
    }
}
