using System.Text;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Worker.Hosting.Journal;

namespace MetricsPipeline.Tests.Unit.Hosting;

public sealed class JournalEntryTests
{
    [Fact]
    public void Add_ValueWithoutNewline_IsOneNameEqualsValueLine()
    {
        var entry = new JournalEntry();
        entry.Add("MESSAGE", "Run 42 of source county-oa started (schedule)");
        entry.Add("PRIORITY", "6");
        Assert.Equal("MESSAGE=Run 42 of source county-oa started (schedule)\nPRIORITY=6\n", Encoding.UTF8.GetString(entry.Payload));
    }

    [Fact]
    public void Add_ValueWithNewline_UsesTheBinaryFormWithItsLittleEndianLength()
    {
        var entry = new JournalEntry();
        entry.Add("EXCEPTION", "line one\nline two");
        entry.Add("PRIORITY", "3");

        byte[] expected = [.. "EXCEPTION\n"u8, 17, 0, 0, 0, 0, 0, 0, 0, .. "line one\nline two\n"u8, .. "PRIORITY=3\n"u8];
        Assert.Equal(expected, entry.Payload.ToArray());
        var parsed = JournalWire.Parse(entry.Payload);
        Assert.Equal("line one\nline two", parsed["EXCEPTION"]);
        Assert.Equal("3", parsed["PRIORITY"]);
    }

    [Fact]
    public void Add_NonAsciiValue_LengthCountsItsUtf8Bytes()
    {
        var entry = new JournalEntry();
        entry.Add("REASON", "单位 X9 不在组织表中\n第二行");
        var payload = entry.Payload.ToArray();
        var length = BitConverter.ToUInt64(payload, "REASON\n".Length);
        Assert.Equal((ulong)Encoding.UTF8.GetByteCount("单位 X9 不在组织表中\n第二行"), length);
        Assert.Equal("单位 X9 不在组织表中\n第二行", JournalWire.Parse(payload)["REASON"]);
    }

    [Fact]
    public void Add_SameNameTwice_KeepsTheFirstValue()
    {
        var entry = new JournalEntry();
        Assert.True(entry.Add("SOURCE", "county-oa"));
        Assert.False(entry.Add("SOURCE", "grid-app"));
        Assert.Equal(["county-oa"], JournalWire.Parse(entry.Payload).Values("SOURCE"));
    }

    [Fact]
    public void AddRepeated_KeepsEveryValue()
    {
        var entry = new JournalEntry();
        entry.AddRepeated("SCOPE", "outer");
        entry.AddRepeated("SCOPE", "inner");
        Assert.Equal(["outer", "inner"], JournalWire.Parse(entry.Payload).Values("SCOPE"));
    }

    [Theory]
    [InlineData("_PID")]
    [InlineData("run_id")]
    [InlineData("1ST")]
    [InlineData("")]
    public void Add_NameTheJournalWouldDrop_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => new JournalEntry().Add(name, "x"));
}
