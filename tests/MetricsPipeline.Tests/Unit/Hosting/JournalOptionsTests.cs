using MetricsPipeline.Worker.Cli;
using MetricsPipeline.Worker.Hosting.Journal;
using Microsoft.Extensions.Configuration;

namespace MetricsPipeline.Tests.Unit.Hosting;

/// <summary>Logging:Journal is the worker's own and checked key by key; the rest of Logging stays free (category names).</summary>
public sealed class JournalOptionsTests
{
    private static List<string> Check(Dictionary<string, string?> settings) =>
        ConfigurationSections.Schema.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void Check_JournalSettings_AreKnown_AndTheRestOfLoggingIsFree()
    {
        Assert.Empty(Check(new()
        {
            ["Logging:Journal:Mode"] = "Always",
            ["Logging:Journal:Socket"] = "/run/test/journal.socket",
            ["Logging:Journal:LogLevel:Default"] = "Warning",
            ["Logging:Journal:LogLevel:MetricsPipeline.Pipeline"] = "Debug",
            ["Logging:LogLevel:Npgsql.Command"] = "Warning",
            ["Logging:Console:FormatterName"] = "json",
        }));
    }

    [Fact]
    public void Check_JournalMistakes_AreNamedByTheirFullKey()
    {
        var problems = Check(new()
        {
            ["Logging:Journal:Sokcet"] = "/run/x",
            ["Logging:Journal:Mode"] = "sometimes",
            ["Logging:Journal:LogLevel:Default"] = "Loud",
        });
        Assert.Contains("Logging:Journal:Sokcet: unknown key; did you mean Socket?", problems);
        Assert.Contains(problems, p => p.StartsWith("Logging:Journal:Mode: 'sometimes' is not", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Logging:Journal:LogLevel:Default: 'Loud' is not", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Defaults_AutoOnSystemdsSocket()
    {
        var options = new JournalOptions();
        Assert.Equal(JournalMode.Auto, options.Mode);
        Assert.Equal("/run/systemd/journal/socket", options.Socket);
    }
}
