using System.Text;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources;
using Microsoft.Extensions.Configuration;

namespace MetricsPipeline.Tests.Unit.Configuration;

/// <summary>
/// Codes are arbitrary source text: spaces, Chinese, case variants and ':' can all be mapped, each exactly as
/// written, from a JSON file bound the way the worker binds it.
/// </summary>
public sealed class CodeMapTests : IDisposable
{
    private readonly string _orgUnits = Path.GetTempFileName();

    public void Dispose() => File.Delete(_orgUnits);

    private PipelineOptions Bind(string streamJson)
    {
        var json = $$"""
            { "Pipeline": { "OrgUnits": "{{_orgUnits}}", "Sources": [ { "Name": "grid", "Provider": "postgres", "ConnectionString": "Host=x",
              "Streams": [ { "Name": "checkins", "Table": "checkins", "Timestamp": "ts", "Unit": "unit_code", "Code": "kind", {{streamJson}} } ] } ] } }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var options = new PipelineOptions();
        configuration.GetSection(PipelineOptions.SectionName).Bind(options);
        return options;
    }

    [Fact]
    public void Compile_CodesWithSpacesChineseCaseVariantsAndColons_MapExactly()
    {
        var options = Bind("""
            "Categories": { "GPS": "check_in", "定位 打卡": "check_in", "RED ": "document.formal" },
            "CodeMap": [ { "Code": "gps", "Category": "report_form" }, { "Code": "A:1", "Category": "data_request" }, { "Code": " ", "Category": "task.issued" } ]
            """);

        var plans = PipelinePlan.Compile(options, out var errors);

        Assert.Empty(errors);
        var stream = Assert.Single(Assert.Single(plans).Streams);
        Assert.Equal(new[] { "GPS", "定位 打卡", "RED ", "gps", "A:1", " " }.Order(StringComparer.Ordinal), stream.CodeMap.Keys.Order(StringComparer.Ordinal));
        var classifier = new GroupClassifier(stream, new HashSet<string>(StringComparer.Ordinal) { "T01", "村 01" });
        string? CategoryOf(string unit, string code) => classifier.Classify(new SourceGroup(unit, code, new DateOnly(2025, 3, 1), null, 1, [])).Category;
        Assert.Equal("check_in", CategoryOf("T01", "GPS"));
        Assert.Equal("report_form", CategoryOf("T01", "gps"));
        Assert.Equal("check_in", CategoryOf("村 01", "定位 打卡"));
        Assert.Equal("data_request", CategoryOf("T01", "A:1"));
        Assert.Equal("task.issued", CategoryOf("T01", " "));
        Assert.Equal("document.formal", CategoryOf("T01", "RED "));
        Assert.Null(CategoryOf("T01", "RED"));
        Assert.Null(CategoryOf("T01", "Gps"));
        Assert.Null(CategoryOf("t01", "GPS"));
    }

    [Fact]
    public void Compile_CodeMappedTwiceOrToAnUnknownCategory_NamesTheEntry()
    {
        var options = Bind("""
            "Categories": { "GPS": "check_in" },
            "CodeMap": [ { "Code": "GPS", "Category": "check_in" }, { "Code": "x", "Category": "nowhere" }, { "Category": "check_in" } ]
            """);

        PipelinePlan.Compile(options, out var errors);

        Assert.Contains("Pipeline:Sources:0:Streams:0:CodeMap:0:Code: 'GPS' is mapped twice (in Categories or earlier in CodeMap)", errors);
        Assert.Contains(errors, e => e.StartsWith("Pipeline:Sources:0:Streams:0:CodeMap:1:Category: 'nowhere' is not in the taxonomy", StringComparison.Ordinal));
        Assert.Contains("Pipeline:Sources:0:Streams:0:CodeMap:2:Code: is required (any text, matched exactly)", errors);
    }
}
