using System.Net.Sockets;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// The client end of the journal's native protocol: one datagram per entry, sent to the socket's path each time (not
/// connected, so a restarted journald, which binds a new socket at the same path, is reached again). An entry too large
/// for a datagram (EMSGSIZE, ENOBUFS) goes as the protocol says: in a sealed memfd whose descriptor is the only
/// content of an empty datagram, as sd_journal_sendv does.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class JournalSocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _endpoint;
    private readonly Lock _sending = new();

    private JournalSocket(string path)
    {
        Path = path;
        _endpoint = new UnixDomainSocketEndPoint(path);
    }

    public string Path { get; }

    /// <summary>
    /// A client for the socket at <paramref name="path"/>, when something listens there for datagrams (a probe connect,
    /// which sends nothing, finds out); else null and why.
    /// </summary>
    public static JournalSocket? TryOpen(string path, out string? problem)
    {
        try
        {
            using (var probe = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
                probe.Connect(new UnixDomainSocketEndPoint(path));
            problem = null;
            return new JournalSocket(path);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>Sends one entry (<see cref="JournalEntry.Payload"/>); throws when the journal cannot take it.</summary>
    /// <exception cref="SocketException">The socket is gone or refuses (journald stopped).</exception>
    /// <exception cref="IOException">The entry was too large for a datagram and the memfd route failed as well.</exception>
    public void Send(ReadOnlySpan<byte> payload)
    {
        lock (_sending)
        {
            try
            {
                _socket.SendTo(payload, SocketFlags.None, _endpoint);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.MessageSize or SocketError.NoBufferSpaceAvailable)
            {
                using var memfd = JournalNative.SealedMemfd(payload);
                JournalNative.SendFileDescriptor(_socket.SafeHandle, Path, memfd);
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
