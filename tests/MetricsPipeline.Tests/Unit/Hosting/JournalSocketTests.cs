using System.Diagnostics;
using System.Text;
using MetricsPipeline.Tests.Infrastructure;
using MetricsPipeline.Worker.Hosting.Journal;

namespace MetricsPipeline.Tests.Unit.Hosting;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournalSocketTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mp-journal-");

    private string SocketPath => Path.Combine(_directory.FullName, "socket");

    [Fact]
    public async Task Send_SmallEntry_IsOneDatagramHoldingIt()
    {
        using var journal = new JournalReceiver(SocketPath);
        using var socket = JournalSocket.TryOpen(SocketPath, out var problem);
        Assert.NotNull(socket);
        Assert.Null(problem);
        var entry = new JournalEntry();
        entry.Add("MESSAGE", "hello");
        entry.Add("EXCEPTION", "a\nb");

        socket.Send(entry.Payload);

        Assert.True(await journal.WaitForAsync(e => e.Count == 1, TimeSpan.FromSeconds(5)));
        var datagram = Assert.Single(journal.Datagrams);
        Assert.Equal(entry.Payload.ToArray(), datagram.Payload);
        Assert.Null(datagram.Seals);
        Assert.Equal("a\nb", journal.Entries[0]["EXCEPTION"]);
    }

    /// <summary>
    /// Larger than a datagram may be (the default SO_SNDBUF, about 208 KiB): sent as the protocol says, an empty datagram
    /// carrying a memfd sealed against shrinking, growing, writing and further sealing.
    /// </summary>
    [Fact]
    public async Task Send_EntryLargerThanADatagram_GoesInASealedMemfd()
    {
        using var journal = new JournalReceiver(SocketPath);
        using var socket = JournalSocket.TryOpen(SocketPath, out _)!;
        var entry = new JournalEntry();
        var large = string.Join('\n', Enumerable.Range(0, 40_000).Select(i => $"   at Frame{i}()"));
        entry.Add("MESSAGE", "a large exception");
        entry.Add("EXCEPTION", large);
        Assert.True(entry.Payload.Length > 512 * 1024);

        socket.Send(entry.Payload);

        Assert.True(await journal.WaitForAsync(e => e.Count == 1, TimeSpan.FromSeconds(5)));
        var datagram = Assert.Single(journal.Datagrams);
        Assert.Equal(0, datagram.DatagramLength);
        Assert.Equal(entry.Payload.ToArray(), datagram.Payload);
        var all = JournalNative.SealSeal | JournalNative.SealShrink | JournalNative.SealGrow | JournalNative.SealWrite;
        Assert.Equal(all, datagram.Seals!.Value & all);
        Assert.Equal(large, journal.Entries[0]["EXCEPTION"]);
    }

    [Fact]
    public void TryOpen_NothingListening_SaysWhy()
    {
        Assert.Null(JournalSocket.TryOpen(SocketPath, out var missing));
        Assert.False(string.IsNullOrEmpty(missing));

        // A socket file whose listener is gone (journald stopped): refused.
        new JournalReceiver(SocketPath).Dispose();
        File.WriteAllText(SocketPath, "not a socket");
        Assert.Null(JournalSocket.TryOpen(SocketPath, out var refused));
        Assert.False(string.IsNullOrEmpty(refused));
    }

    [Fact]
    public void Send_ListenerGone_Throws()
    {
        var journal = new JournalReceiver(SocketPath);
        using var socket = JournalSocket.TryOpen(SocketPath, out _)!;
        journal.Dispose();
        Assert.Throws<System.Net.Sockets.SocketException>(() => socket.Send("MESSAGE=x\n"u8));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
