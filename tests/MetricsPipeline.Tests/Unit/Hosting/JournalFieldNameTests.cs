using MetricsPipeline.Worker.Hosting.Journal;

namespace MetricsPipeline.Tests.Unit.Hosting;

public sealed class JournalFieldNameTests
{
    [Theory]
    [InlineData("RunId", "RUN_ID")]
    [InlineData("Source", "SOURCE")]
    [InlineData("SourceRows", "SOURCE_ROWS")]
    [InlineData("ElapsedMs", "ELAPSED_MS")]
    [InlineData("DayFrom", "DAY_FROM")]
    [InlineData("WindowId", "WINDOW_ID")]
    [InlineData("HTTPStatus", "HTTP_STATUS")]
    [InlineData("runId", "RUN_ID")]
    [InlineData("day-from", "DAY_FROM")]
    [InlineData("day.from  to", "DAY_FROM_TO")]
    [InlineData("Day1From", "DAY1_FROM")]
    [InlineData("_private", "PRIVATE")]
    [InlineData("__Trusted", "TRUSTED")]
    [InlineData("2ndTry", "ND_TRY")]
    [InlineData("单位Code", "CODE")]
    public void FromProperty_UpperSnakeCaseOfTheWords_NeverStartingWithAnUnderscoreOrDigit(string property, string expected)
    {
        var name = JournalFieldName.FromProperty(property);
        Assert.Equal(expected, name);
        Assert.True(JournalFieldName.IsValid(name!));
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("_")]
    [InlineData("123")]
    [InlineData("单位")]
    [InlineData("")]
    public void FromProperty_NothingUsableLeft_IsNull(string property) =>
        Assert.Null(JournalFieldName.FromProperty(property));

    [Fact]
    public void FromProperty_LongName_IsCutTo64Characters()
    {
        Assert.Equal(new string('A', JournalFieldName.MaxLength), JournalFieldName.FromProperty(new string('a', 80)));
        // Cut after the eighth word's underscore: the trailing underscore goes too.
        var words = JournalFieldName.FromProperty(string.Concat(Enumerable.Repeat("Segment", 20)))!;
        Assert.Equal(string.Join('_', Enumerable.Repeat("SEGMENT", 8)), words);
        Assert.True(JournalFieldName.IsValid(words));
    }

    [Theory]
    [InlineData("MESSAGE", true)]
    [InlineData("RUN_ID", true)]
    [InlineData("A1", true)]
    [InlineData("_PID", false)]
    [InlineData("1A", false)]
    [InlineData("run_id", false)]
    [InlineData("RUN-ID", false)]
    [InlineData("", false)]
    public void IsValid_OnlyWhatTheJournalTakesFromAClient(string name, bool valid) =>
        Assert.Equal(valid, JournalFieldName.IsValid(name));

    [Fact]
    public void IsValid_MoreThan64Characters_IsNot() =>
        Assert.False(JournalFieldName.IsValid(new string('A', 65)));
}
