using MetricsPipeline.Reporting.Charts;

namespace MetricsPipeline.Tests.Unit.Reporting;

public sealed class AxisTicksTests
{
    [Theory]
    [InlineData(150, new[] { 0, 50, 100, 150 })]
    [InlineData(151, new[] { 0, 50, 100, 150, 200 })]
    [InlineData(12_345, new[] { 0, 5_000, 10_000, 15_000 })]
    [InlineData(9, new[] { 0, 5, 10 })]
    [InlineData(3, new[] { 0, 1, 2, 3 })]
    [InlineData(0, new[] { 0, 1 })]
    public void For_Counts_GivesNiceStepsFromZeroToAtLeastTheMaximum(int max, int[] expected)
    {
        Assert.Equal(expected.Select(e => (decimal)e), AxisTicks.For(max, wholeNumbers: true));
    }

    [Fact]
    public void For_Fractions_StepsBelowOne()
    {
        Assert.Equal([0m, 0.1m, 0.2m, 0.3m, 0.4m], AxisTicks.For(0.37m, wholeNumbers: false));
    }
}
