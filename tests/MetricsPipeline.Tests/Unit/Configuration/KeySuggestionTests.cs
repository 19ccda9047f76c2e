using MetricsPipeline.Configuration.Binding;

namespace MetricsPipeline.Tests.Unit.Configuration;

public sealed class KeySuggestionTests
{
    [Theory]
    [InlineData("Wehre", "Where", 1)]
    [InlineData("LookbackDay", "LookbackDays", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    public void Distance_CountsEditsWithTranspositionsAsOne(string a, string b, int expected) => Assert.Equal(expected, KeySuggestion.Distance(a, b));

    [Fact]
    public void For_CloseMisspelling_NamesTheKey() => Assert.Equal("did you mean Where?", KeySuggestion.For("wehre", ["Name", "Where", "Table"]));

    [Fact]
    public void For_NothingClose_ListsTheKnownKeys() =>
        Assert.Equal("known keys here: Name, Table, Where", KeySuggestion.For("Frobnicate", ["Where", "Name", "Table"]));
}
