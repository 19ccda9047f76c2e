using MetricsPipeline.Configuration;

namespace MetricsPipeline.Tests.Unit.Configuration;

public sealed class ScheduleRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 4, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Theory]
    [InlineData("0 0 2 * * ?")]
    [InlineData("0 0/15 * * * ?")]
    [InlineData("0 0 0 29 2 ?")] // every leap year: next in 2028
    public void CronProblem_ScheduleThatFires_IsAccepted(string cron) => Assert.Null(ScheduleRules.CronProblem(cron, Shanghai, Now));

    [Theory]
    [InlineData("0 0 0 30 2 ?")]
    [InlineData("0 0 0 31 4 ?")]
    [InlineData("0 0 0 1 1 ? 2020")]
    public void CronProblem_ScheduleThatNeverFires_IsRefused(string cron) =>
        Assert.Contains("never fires in the next 5 years", ScheduleRules.CronProblem(cron, Shanghai, Now));

    [Fact]
    public void CronProblem_NotACron_IsRefused() =>
        Assert.Contains("is not a valid Quartz cron expression", ScheduleRules.CronProblem("every quarter hour", Shanghai, Now));

    [Theory]
    [InlineData("Asia/Shanghai")]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    public void FindIanaZone_IanaId_IsFound(string id)
    {
        var zone = ScheduleRules.FindIanaZone(id, out var problem);
        Assert.Null(problem);
        Assert.Equal(id, zone!.Id);
    }

    [Fact]
    public void FindIanaZone_WindowsId_IsRefusedNamingTheIanaId()
    {
        Assert.Null(ScheduleRules.FindIanaZone("China Standard Time", out var problem));
        Assert.Equal("'China Standard Time' is a Windows time zone id; write its IANA id 'Asia/Shanghai' (the source databases know only IANA ids)", problem);
    }

    [Fact]
    public void FindIanaZone_UnknownId_IsRefused()
    {
        Assert.Null(ScheduleRules.FindIanaZone("Mars/Olympus", out var problem));
        Assert.StartsWith("unknown time zone 'Mars/Olympus'", problem);
    }
}
