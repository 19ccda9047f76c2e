using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// A stand-in for journald's native socket: an AF_UNIX datagram socket bound at <see cref="Path"/> that keeps every
/// datagram it receives. A datagram carrying a file descriptor (SCM_RIGHTS, the protocol's way for a large entry) is
/// read from that file, and the file's seals are kept, so a test can check the entry was passed sealed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class JournalReceiver : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly List<JournalDatagram> _datagrams = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _receiving;

    public JournalReceiver(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        // Room for the largest datagram the kernel lets a sender pass (the default SO_SNDBUF, about 208 KiB).
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _receiving = new Thread(Receive) { IsBackground = true, Name = "journal-receiver" };
        _receiving.Start();
    }

    public string Path { get; }

    public IReadOnlyList<JournalDatagram> Datagrams { get { lock (_datagrams) return [.. _datagrams]; } }

    /// <summary>Every datagram's entry, parsed.</summary>
    public IReadOnlyList<JournalRecord> Entries => Datagrams.Select(d => JournalWire.Parse(d.Payload)).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds over the entries received; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForAsync(Func<IReadOnlyList<JournalRecord>, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (condition(Entries))
                return true;
            await Task.Delay(100);
        }
        return condition(Entries);
    }

    private void Receive()
    {
        var buffer = new byte[4 * 1024 * 1024];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
                    continue;
            }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { return; }
            var datagram = ReceiveOne(buffer);
            if (datagram is not null)
                lock (_datagrams) _datagrams.Add(datagram);
        }
    }

    private unsafe JournalDatagram? ReceiveOne(byte[] buffer)
    {
        var control = stackalloc byte[64];
        fixed (byte* data = buffer)
        {
            var vector = new IoVector { Base = data, Length = (nuint)buffer.Length };
            var message = new MessageHeader { Iov = &vector, IovLength = 1, Control = control, ControlLength = 64 };
            var received = RecvMsg((int)_socket.SafeHandle.DangerousGetHandle(), &message, DontWait | CloseOnExec);
            if (received < 0)
                return null;
            if (message.ControlLength >= 20 && *(int*)(control + 8) == SocketLevel && *(int*)(control + 12) == Rights)
            {
                using var file = new SafeFileHandle(*(int*)(control + 16), ownsHandle: true);
                var content = new byte[RandomAccess.GetLength(file)];
                RandomAccess.Read(file, content, 0);
                return new JournalDatagram(content, (int)received, Fcntl((int)file.DangerousGetHandle(), GetSeals, 0));
            }
            return new JournalDatagram(buffer.AsSpan(0, (int)received).ToArray(), (int)received, null);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _receiving.Join(TimeSpan.FromSeconds(5));
        _socket.Dispose();
        File.Delete(Path);
    }

    private const int DontWait = 0x40;       // MSG_DONTWAIT
    private const int CloseOnExec = 0x40000000; // MSG_CMSG_CLOEXEC
    private const int SocketLevel = 1;       // SOL_SOCKET
    private const int Rights = 1;            // SCM_RIGHTS
    private const int GetSeals = 1034;       // F_GET_SEALS

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static unsafe partial nint RecvMsg(int socket, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}

/// <summary>
/// One datagram: the entry's bytes (read from the passed file when one came), the datagram's own length (0 when the entry
/// came in a file), and that file's seals (F_GET_SEALS; null without a file).
/// </summary>
public sealed record JournalDatagram(byte[] Payload, int DatagramLength, int? Seals);
