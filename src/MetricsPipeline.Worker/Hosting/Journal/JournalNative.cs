using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// The few Linux calls the journal client needs that .NET does not offer: a sealed memfd passed over a datagram socket
/// with SCM_RIGHTS (how the native protocol carries an entry too large for one datagram), and statx for the device
/// and inode of stderr (to compare with JOURNAL_STREAM). The structures are those of the 64-bit Linux ABI (x86-64 and
/// arm64 lay them out alike; statx is the same on every architecture).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static unsafe partial class JournalNative
{
    private const string LibC = "libc";

    private const uint MemfdCloseOnExec = 0x1;     // MFD_CLOEXEC
    private const uint MemfdAllowSealing = 0x2;    // MFD_ALLOW_SEALING
    private const int AddSeals = 1024 + 9;         // F_ADD_SEALS (F_LINUX_SPECIFIC_BASE + 9)
    public const int GetSeals = 1024 + 10;         // F_GET_SEALS
    public const int SealSeal = 0x1, SealShrink = 0x2, SealGrow = 0x4, SealWrite = 0x8;
    private const int SocketLevel = 1;             // SOL_SOCKET
    private const int Rights = 1;                  // SCM_RIGHTS
    private const ushort UnixFamily = 1;           // AF_UNIX
    private const int EmptyPath = 0x1000;          // AT_EMPTY_PATH
    private const uint StatxInode = 0x100;         // STATX_INO (the device numbers are always filled in)

    /// <summary>
    /// A memfd holding <paramref name="payload"/>, sealed against any change (F_SEAL_SHRINK, GROW, WRITE, SEAL), as journald
    /// requires of an entry passed by file descriptor.
    /// </summary>
    public static SafeFileHandle SealedMemfd(ReadOnlySpan<byte> payload)
    {
        var fd = MemfdCreate("journal-entry", MemfdCloseOnExec | MemfdAllowSealing);
        if (fd < 0)
            throw Failure("memfd_create");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            RandomAccess.Write(handle, payload, 0);
            if (Fcntl(fd, AddSeals, SealShrink | SealGrow | SealWrite | SealSeal) < 0)
                throw Failure("fcntl(F_ADD_SEALS)");
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The seals of a memfd (F_GET_SEALS).</summary>
    public static int SealsOf(SafeFileHandle file)
    {
        var seals = Fcntl((int)file.DangerousGetHandle(), GetSeals, 0);
        return seals >= 0 ? seals : throw Failure("fcntl(F_GET_SEALS)");
    }

    /// <summary>Sends a datagram with an empty payload carrying <paramref name="file"/> (SCM_RIGHTS) to the socket at <paramref name="path"/>.</summary>
    public static void SendFileDescriptor(SafeHandle socket, string path, SafeFileHandle file)
    {
        var address = new SocketAddress(path);
        var control = stackalloc byte[ControlSpace];
        new Span<byte>(control, ControlSpace).Clear();
        var header = (ControlHeader*)control;
        header->Length = (nuint)(sizeof(ControlHeader) + sizeof(int));
        header->Level = SocketLevel;
        header->Type = Rights;

        var socketAdded = false;
        var fileAdded = false;
        try
        {
            socket.DangerousAddRef(ref socketAdded);
            file.DangerousAddRef(ref fileAdded);
            *(int*)(control + sizeof(ControlHeader)) = (int)file.DangerousGetHandle();
            var message = new MessageHeader
            {
                Name = &address,
                NameLength = (uint)(sizeof(ushort) + Encoding.UTF8.GetByteCount(path) + 1),
                Control = control,
                ControlLength = ControlSpace,
            };
            if (SendMsg((int)socket.DangerousGetHandle(), &message, 0) < 0)
                throw Failure("sendmsg(SCM_RIGHTS)");
        }
        finally
        {
            if (fileAdded) file.DangerousRelease();
            if (socketAdded) socket.DangerousRelease();
        }
    }

    /// <summary>st_dev and st_ino of an open descriptor, st_dev encoded as glibc's makedev does (what systemd prints in JOURNAL_STREAM).</summary>
    public static (ulong Device, ulong Inode) DeviceAndInode(int fd)
    {
        var buffer = stackalloc byte[StatxSize];
        if (Statx(fd, "", EmptyPath, StatxInode, buffer) < 0)
            throw Failure("statx");
        var inode = *(ulong*)(buffer + 32);
        ulong major = *(uint*)(buffer + 136), minor = *(uint*)(buffer + 140);
        var device = ((major & 0x00000fffUL) << 8) | ((major & 0xfffff000UL) << 32) | (minor & 0x000000ffUL) | ((minor & 0xffffff00UL) << 12);
        return (device, inode);
    }

    private static IOException Failure(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    private const int StatxSize = 256;

    /// <summary>CMSG_SPACE(sizeof(int)): the header (16 bytes) and the descriptor, padded to 8.</summary>
    private const int ControlSpace = 24;

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public void* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ControlHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>struct sockaddr_un: the family and a NUL-terminated path of at most 107 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SocketAddress
    {
        private const int PathSize = 108;
        public ushort Family;
        public fixed byte Path[PathSize];

        public SocketAddress(string path)
        {
            var bytes = Encoding.UTF8.GetBytes(path);
            if (bytes.Length >= PathSize)
                throw new ArgumentException($"the socket path '{path}' is longer than {PathSize - 1} bytes", nameof(path));
            Family = UnixFamily;
            for (var i = 0; i < bytes.Length; i++)
                Path[i] = bytes[i];
            Path[bytes.Length] = 0;
        }
    }

    [LibraryImport(LibC, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    // fcntl is variadic; one int argument is passed as a fixed one on the 64-bit Linux ABIs.
    [LibraryImport(LibC, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(LibC, EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMsg(int socket, MessageHeader* message, int flags);

    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
