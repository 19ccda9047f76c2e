using System.Diagnostics;
using MetricsPipeline.Worker.Hosting.Journal;

namespace MetricsPipeline.Tests.Unit.Hosting;

/// <summary>JOURNAL_STREAM against a descriptor, with coreutils' stat (st_dev:st_ino, as systemd prints them) as the reference.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournalStreamTests
{
    [Fact]
    public void Matches_TheDescriptorsOwnDeviceAndInode_IsTrue_AnyOther_IsFalse()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path);
            var reference = Stat(path);

            Assert.True(JournalStream.Matches(reference, (int)file.DangerousGetHandle()), $"{reference} is the file's, but did not match");
            var (device, inode) = JournalStream.Parse(reference)!.Value;
            Assert.False(JournalStream.Matches($"{device}:{inode + 1}", (int)file.DangerousGetHandle()));
            Assert.False(JournalStream.Matches($"{device + 1}:{inode}", (int)file.DangerousGetHandle()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("8:")]
    [InlineData("8:abc")]
    [InlineData("8:1:2")]
    public void Matches_NotDeviceColonInode_IsFalse(string? journalStream) =>
        Assert.False(JournalStream.Matches(journalStream, 2));

    private static string Stat(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat") { ArgumentList = { "-L", "-c", "%d:%i", path }, RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return output;
    }
}
