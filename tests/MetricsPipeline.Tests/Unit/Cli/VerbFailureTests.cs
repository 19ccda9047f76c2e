using System.Text.Json;
using MetricsPipeline.Configuration;
using MetricsPipeline.Warehouse;
using MetricsPipeline.Worker.Cli;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Tests.Unit.Cli;

/// <summary>What stopped a verb decides its exit code and its message; the process-level cases are in Integration/Hosting.</summary>
public sealed class VerbFailureTests
{
    [Fact]
    public void Describe_OptionsValidationFailures_OneLineEachEvenWithSemicolons()
    {
        var ex = new OptionsValidationException("", typeof(PipelineOptions), ["Pipeline:Sources:0:Wehre: unknown key; did you mean Where?", "Pipeline:OrgUnits: required"]);

        var (exitCode, lines) = VerbFailure.Describe(ex, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Equal(["Configuration error, nothing was done:", "  - Pipeline:Sources:0:Wehre: unknown key; did you mean Where?", "  - Pipeline:OrgUnits: required"], lines);
    }

    [Fact]
    public void Describe_ConfigurationErrorWrappedByTheHost_IsStillAConfigurationError()
    {
        var ex = new AggregateException(new InvalidOperationException("start-up failed", new InvalidConfigurationException(["Metrics:Port: 70000 must be a TCP port"])));

        var (exitCode, lines) = VerbFailure.Describe(ex.InnerException!, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Contains("  - Metrics:Port: 70000 must be a TCP port", lines);
    }

    [Fact]
    public void Describe_JsonSyntaxError_QuotesTheParsersLineNumber()
    {
        var parser = new JsonException("'}' is invalid after a property name. LineNumber: 3 | BytePositionInLine: 2.");
        var ex = new InvalidDataException("Failed to load configuration from file '/etc/x.json'.", new FormatException("Could not parse the JSON file.", parser));

        var (exitCode, lines) = VerbFailure.Describe(ex, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Equal("  - Failed to load configuration from file '/etc/x.json'. '}' is invalid after a property name. LineNumber: 3 | BytePositionInLine: 2. Fix the JSON there.", lines[1]);
    }

    [Fact]
    public void Describe_SchemaNewerThanTheBuild_ExitsThree()
    {
        var (exitCode, lines) = VerbFailure.Describe(new SchemaMismatchException("The warehouse schema is at V99 …"), CancellationToken.None);

        Assert.Equal(3, exitCode);
        Assert.Equal(["The warehouse schema is at V99 …"], lines);
    }

    [Fact]
    public void Describe_AnythingElse_ExitsOneWithOneLineAndTheHintForVerbose()
    {
        var (exitCode, lines) = VerbFailure.Describe(new InvalidOperationException("something\nbroke"), CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Equal(["Failed: something broke (InvalidOperationException). Re-run with --verbose for the stack trace."], lines);
    }
}
