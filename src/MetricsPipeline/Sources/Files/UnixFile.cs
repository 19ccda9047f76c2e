using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MetricsPipeline.Sources.Files;

/// <summary>What kind of directory entry a path is, as the kernel says (not as its name suggests).</summary>
public enum EntryKind { Regular, Directory, SymbolicLink, Fifo, CharacterDevice, BlockDevice, Socket, Unknown }

/// <summary>
/// The identity and state of one file as the kernel reports it. Two snapshots that are equal mean the
/// same file (device and inode) with the same size, content modification time and status change time.
/// The change time (ctime) cannot be set from user space, so a rewrite that puts the modification time
/// back is still seen.
/// </summary>
public readonly record struct FileSnapshot(EntryKind Kind, ulong Device, ulong Inode, long Size, long ModifiedNs, long ChangedNs)
{
    public DateTimeOffset ModifiedAt => DateTimeOffset.UnixEpoch.AddTicks(ModifiedNs / 100);

    public string Describe() =>
        $"{Size:N0} bytes, modified {ModifiedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss.fffffff}Z, inode {Inode}";
}

/// <summary>
/// The few POSIX calls .NET does not expose: statx (the kernel's file type, inode and change time, with a
/// layout that is the same on every Linux architecture) and open with O_NONBLOCK, so that opening a FIFO
/// named *.csv returns at once instead of waiting for a writer. Other systems fall back to managed calls
/// without the FIFO and device checks.
/// </summary>
public static class UnixFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000; // the same values on x86-64 and arm64

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    /// <summary>The entry itself (a symbolic link is reported as one, not followed).</summary>
    public static FileSnapshot StatEntry(string path) => Stat(AtFdCwd, path, AtSymlinkNoFollow);

    /// <summary>What the path leads to, links followed.</summary>
    public static FileSnapshot StatTarget(string path) => Stat(AtFdCwd, path, 0);

    /// <summary>The file an open handle refers to.</summary>
    public static FileSnapshot StatHandle(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
            return Managed(RandomAccess.GetLength(handle), null);
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Stat((int)handle.DangerousGetHandle(), "", AtEmptyPath);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>Opens a file for reading without blocking on FIFOs and devices (the caller checks the kind).</summary>
    public static SafeFileHandle OpenForReading(string path)
    {
        if (!OperatingSystem.IsLinux())
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var fd = Open(path, ORdOnly | ONonBlock | OCloExec);
        if (fd < 0)
            throw Error(Marshal.GetLastPInvokeError(), path, "cannot be opened");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The path an open handle really refers to, every link resolved (Linux: /proc/self/fd).</summary>
    public static string? RealPathOf(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        return new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
    }

    /// <summary>A directory's path with every link resolved.</summary>
    public static string RealPathOfDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return Path.GetFullPath(directory);
        using var handle = OpenForReading(directory);
        return RealPathOf(handle) ?? Path.GetFullPath(directory);
    }

    private static FileSnapshot Stat(int dirFd, string path, int flags)
    {
        if (!OperatingSystem.IsLinux())
        {
            var info = new FileInfo(path);
            var kind = info.LinkTarget is not null && flags == AtSymlinkNoFollow ? EntryKind.SymbolicLink
                : Directory.Exists(path) ? EntryKind.Directory : EntryKind.Regular;
            return Managed(info.Exists ? info.Length : 0, info.Exists ? info.LastWriteTimeUtc : null) with { Kind = kind };
        }
        var buffer = new byte[256];
        if (Statx(dirFd, path, flags, StatxBasicStats, buffer) != 0)
            throw Error(Marshal.GetLastPInvokeError(), path, "cannot be examined");
        // struct statx: stx_mode u16 @28, stx_ino u64 @32, stx_size u64 @40, stx_ctime @96 and stx_mtime @112
        // (i64 seconds, u32 nanoseconds), stx_dev_major u32 @136, stx_dev_minor u32 @140.
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28));
        return new FileSnapshot(
            KindOf(mode),
            ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(136)) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(140)),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(32)),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(40)),
            Nanoseconds(buffer.AsSpan(112)),
            Nanoseconds(buffer.AsSpan(96)));
    }

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        BinaryPrimitives.ReadInt64LittleEndian(timestamp) * 1_000_000_000 + BinaryPrimitives.ReadUInt32LittleEndian(timestamp[8..]);

    private static EntryKind KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => EntryKind.Regular,
        0x4000 => EntryKind.Directory,
        0xA000 => EntryKind.SymbolicLink,
        0x1000 => EntryKind.Fifo,
        0x2000 => EntryKind.CharacterDevice,
        0x6000 => EntryKind.BlockDevice,
        0xC000 => EntryKind.Socket,
        _ => EntryKind.Unknown,
    };

    private static FileSnapshot Managed(long size, DateTime? modifiedUtc)
    {
        var ns = modifiedUtc is { } m ? (m.Ticks - DateTime.UnixEpoch.Ticks) * 100 : 0;
        return new FileSnapshot(EntryKind.Regular, 0, 0, size, ns, ns);
    }

    private static IOException Error(int errno, string path, string what)
    {
        var reason = errno switch
        {
            2 => "no such file (a link to a missing file?)",
            13 => "permission denied (the service account cannot read it)",
            20 => "a component of the path is not a directory",
            40 => "too many levels of symbolic links",
            _ => Marshal.GetPInvokeErrorMessage(errno),
        };
        return errno == 13
            ? new UnauthorizedAccessIOException($"'{Path.GetFileName(path)}' {what}: {reason}")
            : new IOException($"'{Path.GetFileName(path)}' {what}: {reason}");
    }

    /// <summary>A permission error, still an IOException so callers catch one type.</summary>
    public sealed class UnauthorizedAccessIOException(string message) : IOException(message);
}
