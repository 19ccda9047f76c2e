using MetricsPipeline.Configuration;
using MetricsPipeline.Configuration.Binding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace MetricsPipeline.Tests.Unit.Configuration;

/// <summary>Every unknown key and every value that does not convert is named with its full key, wherever it is.</summary>
public sealed class StrictConfigurationTests
{
    private static readonly ConfigurationSchema Schema = new(
        new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings"] = typeof(ConnectionStringsOptions),
            ["Pipeline"] = typeof(PipelineOptions),
            ["Host"] = typeof(HostOptions),
        },
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Logging" });

    private const string ValidSource = """
        {
          "Name": "county-oa", "Provider": "postgres", "ConnectionString": "Host=x", "Schedule": "0 0 2 * * ?", "TimeZone": "Asia/Shanghai",
          "LookbackDays": 7, "QueryTimeout": "00:10:00", "ExpectedFreshness": "2.00:00:00", "MaxGroupsPerWindow": 100,
          "Resilience": { "AttemptTimeout": "00:05:00", "MaxRetries": 3, "BreakerFailureRatio": 0.5 },
          "Streams": [
            { "Name": "documents", "Table": "oa.documents", "Where": "deleted = false", "Timestamp": "issued_at", "TimestampKind": "utc",
              "Unit": "unit_code", "Code": "doc_kind", "Measures": { "count": "*", "pages": "pages" }, "Categories": { "RED": "document.formal" } },
            { "Name": "meetings", "Table": "oa.meetings", "Timestamp": "started_at", "Unit": "unit_code", "Category": "meeting.offline",
              "RequireDoneMarker": false, "Folder": null, "OnRemoved": "keep" }
          ]
        }
        """;

    /// <summary>Checks <paramref name="json"/> read from a file, as the worker reads --config.</summary>
    private static List<string> Check(string json) => Schema.Check(Load(json));

    private static IConfigurationRoot Load(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"strict-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try { return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build(); }
        finally { File.Delete(path); }
    }

    private static string Config(string source = ValidSource, string pipeline = "", string top = "") => $$"""
        {
          "ConnectionStrings": { "Warehouse": "Host=127.0.0.1" },
          "Pipeline": {
            "OrgUnits": "org_units.csv", "History": { "From": "2024-01-01", "ChunkMonths": 1 },
            "Indicators": { "BasePeriod": "2024", "CoverageThreshold": 0.95, "Targets": [ { "Category": "document.*", "Reduction": 0.3 } ] },
            {{pipeline}}
            "Sources": [ {{source}} ]
          },
          "Host": { "ShutdownTimeout": "00:01:30" },
          {{top}}
          "Logging": { "LogLevel": { "Default": "Information", "Npgsql.Command": "Warning" } }
        }
        """;

    [Fact]
    public void Check_ValidConfiguration_HasNoProblems() => Assert.Empty(Check(Config()));

    [Theory]
    [InlineData("\"Wehre\": \"x = 1\",", "Pipeline:Sources:0:Streams:1:Wehre: unknown key; did you mean Where?")]
    [InlineData("\"OnRemove\": \"retract\",", "Pipeline:Sources:0:Streams:1:OnRemove: unknown key; did you mean OnRemoved?")]
    public void Check_UnknownKeyInAStream_NamesItAndTheClosestKnownKey(string key, string expected)
    {
        var problems = Check(Config(ValidSource.Replace("\"Name\": \"meetings\",", key + " \"Name\": \"meetings\",")));
        Assert.Equal([expected], problems);
    }

    [Theory]
    [InlineData("\"LookbackDay\": 7,", "Pipeline:Sources:0:LookbackDay: unknown key; did you mean LookbackDays?")]
    [InlineData("\"Resilience\": { \"MaxRetry\": 1 },", "Pipeline:Sources:0:Resilience:MaxRetry: unknown key; did you mean MaxRetries?")]
    public void Check_UnknownKeyInASource_NamesIt(string key, string expected)
    {
        var source = ValidSource.Replace("\"Resilience\": { \"AttemptTimeout\": \"00:05:00\", \"MaxRetries\": 3, \"BreakerFailureRatio\": 0.5 },", "");
        var problems = Check(Config(source.Replace("\"Name\": \"county-oa\",", key + " \"Name\": \"county-oa\",")));
        Assert.True(problems.SequenceEqual([expected]), string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Check_UnknownKeysElsewhere_AreNamedAtEveryLevel()
    {
        var problems = Check(Config(
            pipeline: "\"MaxParalelSources\": 2, \"History2\": {}, \"Indicators2\": 1,",
            top: "\"Pipline\": {}, \"Host2\": { \"ShutdownTimeout\": \"00:00:01\" },"));
        Assert.Contains("Pipeline:MaxParalelSources: unknown key; did you mean MaxParallelSources?", problems);
        Assert.Contains("Pipeline:History2: unknown key; did you mean History?", problems);
        Assert.Contains(problems, p => p.StartsWith("Pipline: unknown section in ", StringComparison.Ordinal) && p.EndsWith("did you mean Pipeline?", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Host2: unknown section", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_UnknownKeyInTargetsAndHost_IsNamed()
    {
        var problems = Check(Config().Replace("\"Reduction\": 0.3", "\"Reduction\": 0.3, \"Scop\": \"C01\"")
            .Replace("\"ShutdownTimeout\": \"00:01:30\"", "\"ShutdownTimout\": \"00:01:30\""));
        Assert.Contains("Pipeline:Indicators:Targets:0:Scop: unknown key; did you mean Scope?", problems);
        Assert.Contains("Host:ShutdownTimout: unknown key; did you mean ShutdownTimeout?", problems);
    }

    [Theory]
    [InlineData("\"LookbackDays\": 7", "\"LookbackDays\": \"seven\"", "Pipeline:Sources:0:LookbackDays: 'seven' is not a whole number")]
    [InlineData("\"QueryTimeout\": \"00:10:00\"", "\"QueryTimeout\": \"10 minutes\"", "Pipeline:Sources:0:QueryTimeout: '10 minutes' is not a duration")]
    [InlineData("\"QueryTimeout\": \"00:10:00\"", "\"QueryTimeout\": \"10\"", "Pipeline:Sources:0:QueryTimeout: '10' is not a duration")]
    [InlineData("\"MaxRetries\": 3", "\"MaxRetries\": 2.5", "Pipeline:Sources:0:Resilience:MaxRetries: '2.5' is not a whole number")]
    [InlineData("\"BreakerFailureRatio\": 0.5", "\"BreakerFailureRatio\": \"half\"", "Pipeline:Sources:0:Resilience:BreakerFailureRatio: 'half' is not a number")]
    [InlineData("\"RequireDoneMarker\": false", "\"RequireDoneMarker\": \"yes\"", "Pipeline:Sources:0:Streams:1:RequireDoneMarker: 'yes' is not true or false")]
    [InlineData("\"MaxGroupsPerWindow\": 100", "\"MaxGroupsPerWindow\": 99999999999999999999", "Pipeline:Sources:0:MaxGroupsPerWindow: '99999999999999999999' is not a whole number")]
    public void Check_ValueThatDoesNotConvertInAListElement_NamesKeyAndValue(string good, string bad, string expected)
    {
        var problems = Check(Config(ValidSource.Replace(good, bad)));
        var problem = Assert.Single(problems);
        Assert.StartsWith(expected, problem);
    }

    [Theory]
    [InlineData("\"From\": \"2024-01-01\"", "\"From\": \"2024-02-30\"", "Pipeline:History:From: '2024-02-30' is not a date that exists, as yyyy-MM-dd")]
    [InlineData("\"From\": \"2024-01-01\"", "\"From\": \"01/02/2024\"", "Pipeline:History:From: '01/02/2024' is not a date that exists, as yyyy-MM-dd")]
    [InlineData("\"ChunkMonths\": 1", "\"ChunkMonths\": \"one\"", "Pipeline:History:ChunkMonths: 'one' is not a whole number")]
    [InlineData("\"CoverageThreshold\": 0.95", "\"CoverageThreshold\": \"95%\"", "Pipeline:Indicators:CoverageThreshold: '95%' is not a number")]
    [InlineData("\"Reduction\": 0.3", "\"Reduction\": \"30%\"", "Pipeline:Indicators:Targets:0:Reduction: '30%' is not a number")]
    [InlineData("\"ShutdownTimeout\": \"00:01:30\"", "\"ShutdownTimeout\": \"90s\"", "Host:ShutdownTimeout: '90s' is not a duration")]
    public void Check_ValueThatDoesNotConvertAtTopLevel_NamesKeyAndValue(string good, string bad, string expected)
    {
        var problem = Assert.Single(Check(Config().Replace(good, bad)));
        Assert.StartsWith(expected, problem);
    }

    [Theory]
    [InlineData("zh")]
    [InlineData("cn")]
    [InlineData("english")]
    [InlineData("zh_CN")]
    public void Check_LanguageNeitherZhCnNorEn_NamesTheSettingAndTheAllowedValues(string language)
    {
        var problem = Assert.Single(Check(Config(pipeline: $"\"Language\": \"{language}\",")));

        Assert.Equal($"Pipeline:Language: '{language}' is not one of: zh-CN (Chinese, the default) or en (English)", problem);
    }

    [Theory]
    [InlineData("zh-CN", "zh-CN")]
    [InlineData("zh-cn", "zh-CN")]
    [InlineData("en", "en")]
    [InlineData("EN", "en")]
    public void Bind_Language_TakesBothCodesCaseInsensitively(string configured, string bound)
    {
        var configuration = Load(Config(pipeline: $"\"Language\": \"{configured}\","));
        Assert.Empty(Schema.Check(configuration));

        var options = configuration.GetSection("Pipeline").Get<PipelineOptions>()!;

        Assert.Equal(bound, options.Language.Code);
    }

    [Fact]
    public void Bind_NoLanguage_IsChinese()
    {
        var options = Load(Config()).GetSection("Pipeline").Get<PipelineOptions>()!;

        Assert.Same(DisplayLanguage.Chinese, options.Language);
        Assert.Equal(20, options.Report.TopSignals);
    }

    [Fact]
    public void Check_ValueWhereASectionBelongs_AndASectionWhereAValueBelongs_AreNamed()
    {
        var source = ValidSource.Replace("\"Resilience\": { \"AttemptTimeout\": \"00:05:00\", \"MaxRetries\": 3, \"BreakerFailureRatio\": 0.5 }", "\"Resilience\": \"fast\"")
            .Replace("\"LookbackDays\": 7", "\"LookbackDays\": { \"Days\": 7 }")
            .Replace("\"pages\": \"pages\"", "\"pages\": { \"column\": \"pages\" }");
        var problems = Check(Config(source));
        Assert.Contains("Pipeline:Sources:0:Resilience: 'fast' is a single value, but this key holds a section of settings (a JSON object or list)", problems);
        Assert.Contains(problems, p => p.StartsWith("Pipeline:Sources:0:LookbackDays: expected a single value (a whole number), found a section with the key(s) Days", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Pipeline:Sources:0:Streams:0:Measures:pages: expected a single value", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Check_EveryProblemOfEveryElement_IsListedAtOnce()
    {
        var second = ValidSource.Replace("county-oa", "grid").Replace("\"LookbackDays\": 7", "\"LookbackDays\": \"seven\"").Replace("\"Where\"", "\"Wehre\"");
        var problems = Check(Config(ValidSource.Replace("\"QueryTimeout\": \"00:10:00\"", "\"QueryTimeout\": \"10 minutes\"") + "," + second));
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Pipeline:Sources:0:QueryTimeout:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Pipeline:Sources:1:LookbackDays:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Pipeline:Sources:1:Streams:0:Wehre:", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_EnvironmentVariablesAtTheTopLevel_AreNotSections()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PATH"] = "/usr/bin", ["Pipeline:OrgUnits"] = "x.csv" })
            .Build();
        Assert.Empty(Schema.Check(configuration));
    }

    [Fact]
    public void Check_ConnectionStringsTypo_SuggestsWarehouse()
    {
        var problems = Check(Config().Replace("\"Warehouse\": \"Host=127.0.0.1\"", "\"Warehose\": \"Host=127.0.0.1\""));
        Assert.Equal(["ConnectionStrings:Warehose: unknown key; did you mean Warehouse?"], problems);
    }

    [Fact]
    public void ThrowIfInvalid_ThrowsTheConfigurationErrorWithEveryProblem()
    {
        var configuration = Load(Config().Replace("\"ChunkMonths\": 1", "\"ChunkMonth\": 1"));
        var error = Assert.Throws<InvalidConfigurationException>(() => Schema.ThrowIfInvalid(configuration));
        Assert.Equal(["Pipeline:History:ChunkMonth: unknown key; did you mean ChunkMonths?"], error.Errors);
    }
}
