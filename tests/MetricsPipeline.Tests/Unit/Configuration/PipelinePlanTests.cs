using MetricsPipeline.Configuration;

namespace MetricsPipeline.Tests.Unit.Configuration;

public sealed class PipelinePlanTests : IDisposable
{
    private readonly string _orgUnits = Path.GetTempFileName();

    public void Dispose() => File.Delete(_orgUnits);

    private PipelineOptions Valid() => new()
    {
        OrgUnits = _orgUnits,
        Indicators = new IndicatorOptions { BasePeriod = "2024", Targets = [new TargetOptions { Category = "document.*", Reduction = 0.3m }] },
        Sources =
        [
            new SourceOptions
            {
                Name = "county-oa", Provider = "postgres", ConnectionString = "Host=x", Schedule = "0 0/15 * * * ?", TimeZone = "Asia/Shanghai",
                Streams =
                [
                    new StreamOptions
                    {
                        Name = "documents", Table = "oa.documents", Timestamp = "issued_at", TimestampKind = "utc", Unit = "unit_code", Code = "doc_kind",
                        Measures = new() { ["count"] = "*", ["pages"] = "pages" },
                        Categories = new() { ["RED"] = "document.formal", ["WHITE"] = "document.informal" },
                    },
                ],
            },
        ],
    };

    private static List<string> Errors(PipelineOptions options)
    {
        PipelinePlan.Compile(options, out var errors);
        return errors;
    }

    [Fact]
    public void Compile_ValidConfiguration_HasNoErrorsAndOnePlan()
    {
        var plans = PipelinePlan.Compile(Valid(), out var errors);
        Assert.Empty(errors);
        var stream = Assert.Single(Assert.Single(plans).Streams);
        Assert.Equal(["document.formal", "document.informal"], stream.Categories);
    }

    public static TheoryData<string, Action<PipelineOptions>, string> BadConfigurations => new()
    {
        { "unknown provider", o => o.Sources[0].Provider = "oracle", "Pipeline:Sources:0:Provider: unknown provider 'oracle'" },
        { "bad cron", o => o.Sources[0].Schedule = "every 5 minutes", "Pipeline:Sources:0:Schedule" },
        { "unknown zone", o => o.Sources[0].TimeZone = "Mars/Olympus", "Pipeline:Sources:0:TimeZone: unknown time zone 'Mars/Olympus'" },
        { "duplicate source", o => o.Sources.Add(o.Sources[0]), "Pipeline:Sources:1:Name: duplicate source name 'county-oa'" },
        { "duplicate stream", o => o.Sources[0].Streams.Add(o.Sources[0].Streams[0]), "Pipeline:Sources:0:Streams:1:Name: duplicate stream name 'documents'" },
        { "subquery measure", o => o.Sources[0].Streams[0].Measures["pages"] = "(SELECT 1)", "Pipeline:Sources:0:Streams:0:Measures:pages" },
        { "semicolon measure", o => o.Sources[0].Streams[0].Measures["pages"] = "pages; drop table x", "Pipeline:Sources:0:Streams:0:Measures:pages" },
        { "function measure", o => o.Sources[0].Streams[0].Measures["pages"] = "abs(pages)", "function calls" },
        { "semicolon where", o => o.Sources[0].Streams[0].Where = "1=1; drop table x", "Pipeline:Sources:0:Streams:0:Where" },
        { "where calling a function outside the allow-list", o => o.Sources[0].Streams[0].Where = "dblink_exec('dbname=oa', 'DELETE FROM oa.documents') IS NOT NULL", "Pipeline:Sources:0:Streams:0:Where: function 'dblink_exec' is not allowed" },
        { "where with a comment", o => o.Sources[0].Streams[0].Where = "deleted = false -- and more", "Pipeline:Sources:0:Streams:0:Where: comments are not allowed" },
        { "unknown category", o => o.Sources[0].Streams[0].Categories["BLUE"] = "document.secret", "Pipeline:Sources:0:Streams:0:Categories:BLUE: 'document.secret' is not in the taxonomy" },
        { "bad table", o => o.Sources[0].Streams[0].Table = "oa.docs; x", "Pipeline:Sources:0:Streams:0:Table" },
        { "bad kind", o => o.Sources[0].Streams[0].TimestampKind = "beijing", "Pipeline:Sources:0:Streams:0:TimestampKind" },
        { "no code nor category", o => o.Sources[0].Streams[0].Code = null, "Pipeline:Sources:0:Streams:0:Code" },
        { "missing org units", o => o.OrgUnits = "/nonexistent/org_units.csv", "Pipeline:OrgUnits: file '/nonexistent/org_units.csv' does not exist" },
        { "bad base period", o => o.Indicators.BasePeriod = "last year", "Pipeline:Indicators:BasePeriod" },
        { "bad target", o => o.Indicators.Targets[0].Category = "paperwork.*", "Pipeline:Indicators:Targets:0:Category" },
        { "bad reduction", o => o.Indicators.Targets[0].Reduction = 30, "Pipeline:Indicators:Targets:0:Reduction" },
        { "bad lookback", o => o.Sources[0].LookbackDays = -1, "Pipeline:Sources:0:LookbackDays" },
        { "tariff for an unknown category", o => o.Indicators.Tariffs.Add(new TariffOptions { Category = "paperwork", MinutesPerItem = 5 }), "Pipeline:Indicators:Tariffs:0:Category" },
        { "negative tariff", o => o.Indicators.Tariffs.Add(new TariffOptions { Category = "meeting.*", MinutesPerItem = -5 }), "Pipeline:Indicators:Tariffs:0:MinutesPerItem" },
        { "bad working hours", o => o.Indicators.WorkingHoursPerFteYear = 0, "Pipeline:Indicators:WorkingHoursPerFteYear" },
        { "refresh interval zero", o => o.Indicators.RefreshInterval = TimeSpan.Zero, "Pipeline:Indicators:RefreshInterval" },
        { "refresh interval over a day", o => o.Indicators.RefreshInterval = TimeSpan.FromDays(2), "Pipeline:Indicators:RefreshInterval" },
        { "cron that never fires", o => o.Sources[0].Schedule = "0 0 0 30 2 ?", "Pipeline:Sources:0:Schedule: '0 0 0 30 2 ?' never fires in the next 5 years" },
        { "windows zone id", o => o.Sources[0].TimeZone = "China Standard Time", "Pipeline:Sources:0:TimeZone: 'China Standard Time' is a Windows time zone id; write its IANA id 'Asia/Shanghai'" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public void Compile_BadConfiguration_NamesTheKey(string what, Action<PipelineOptions> spoil, string expected)
    {
        var options = Valid();
        spoil(options);
        var errors = Errors(options);
        Assert.True(errors.Any(e => e.Contains(expected, StringComparison.Ordinal)),
            $"{what}: expected an error containing \"{expected}\", got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    [Fact]
    public void Compile_ConfiguredCategory_ExtendsTheTaxonomy()
    {
        var options = Valid();
        options.Categories.Add(new CategoryOptions { Name = "document.notice", Kind = "flow" });
        options.Sources[0].Streams[0].Categories["BLUE"] = "document.notice";
        Assert.Empty(Errors(options));
    }

    [Fact]
    public void CompileOrThrow_ListsEveryProblemAtOnce()
    {
        var options = Valid();
        options.Sources[0].Provider = "oracle";
        options.Sources[0].TimeZone = "Nowhere";
        var error = Assert.Throws<InvalidConfigurationException>(() => PipelinePlan.CompileOrThrow(options));
        Assert.Equal(2, error.Errors.Count);
    }
}
