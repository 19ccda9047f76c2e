using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// Starts a program the way systemd starts a Type=notify service with LoadCredential: its parent process is named
/// "systemd" (Microsoft.Extensions.Hosting.Systemd looks at /proc/PPID/comm), NOTIFY_SOCKET names a datagram socket
/// this class listens on, INVOCATION_ID is set, and CREDENTIALS_DIRECTORY holds the credential files. The parent is
/// a copy of bash named systemd that runs the program as its child and exits with its status. With a journal stream,
/// JOURNAL_STREAM is set to the device and inode of the program's stderr, as systemd sets it for a unit whose
/// StandardError= is the journal (coreutils' stat prints them as systemd does, st_dev:st_ino).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdServiceLaunch : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Socket _notify;
    private readonly Process _parent;
    private readonly List<string> _notifications = [];
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _receiving;
    private readonly CancellationTokenSource _stop = new();

    private SystemdServiceLaunch(string directory, Socket notify, Process parent)
    {
        _directory = directory;
        _notify = notify;
        _parent = parent;
        _parent.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _parent.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _parent.BeginOutputReadLine();
        _parent.BeginErrorReadLine();
        _receiving = ReceiveAsync();
    }

    public static SystemdServiceLaunch Start(string executable, IReadOnlyDictionary<string, string> credentials,
        IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Start(executable, credentials, environment, journalStream: false, arguments);

    public static SystemdServiceLaunch Start(string executable, IReadOnlyDictionary<string, string> credentials,
        IReadOnlyDictionary<string, string>? environment, bool journalStream, params string[] arguments)
    {
        var directory = Directory.CreateTempSubdirectory("mp-systemd-launch-").FullName;
        var socketPath = Path.Combine(directory, "notify");
        var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));

        var credentialsDirectory = Path.Combine(directory, "credentials");
        Directory.CreateDirectory(credentialsDirectory);
        foreach (var (name, value) in credentials)
        {
            var file = Path.Combine(credentialsDirectory, name);
            File.WriteAllText(file, value + "\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead);
        }

        var systemd = Path.Combine(directory, "systemd");
        File.Copy("/bin/bash", systemd);
        // Two commands, so bash forks the program instead of exec-ing it: the program's parent stays "systemd".
        var script = "\"$0\" \"$@\"; status=$?; exit $status";
        if (journalStream)
            script = "export JOURNAL_STREAM=\"$(stat -L -c '%d:%i' /proc/self/fd/2)\"; " + script;
        var info = new ProcessStartInfo(systemd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", script, executable }.Concat(arguments))
            info.ArgumentList.Add(argument);
        info.Environment["NOTIFY_SOCKET"] = socketPath;
        info.Environment["INVOCATION_ID"] = Guid.NewGuid().ToString("N");
        info.Environment["CREDENTIALS_DIRECTORY"] = credentialsDirectory;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        if (!journalStream)
            info.Environment.Remove("JOURNAL_STREAM"); // the test runner's own, if it runs in a unit, names another stream
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        return new SystemdServiceLaunch(directory, notify, Process.Start(info)!);
    }

    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }

    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    public IReadOnlyList<string> StandardErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<string> Notifications { get { lock (_notifications) return [.. _notifications]; } }

    public bool HasExited => _parent.HasExited;

    public int ExitCode => _parent.ExitCode;

    /// <summary>Waits until <paramref name="condition"/> holds; false after <paramref name="timeout"/> or when the service exited.</summary>
    public async Task<bool> WaitForAsync(Func<SystemdServiceLaunch, bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition(this))
                return true;
            if (_parent.HasExited)
                return condition(this);
            await Task.Delay(200);
        }
        return condition(this);
    }

    /// <summary>`systemctl stop`: SIGTERM to the service's main process (the child of the stand-in for systemd).</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        var children = File.ReadAllText($"/proc/{_parent.Id}/task/{_parent.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var main = Assert.Single(children);
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", main }, UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await _parent.WaitForExitAsync(cts.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    public string Describe() => $"stdout:\n{StandardOutput}\nstderr:\n{StandardError}\nnotifications: {string.Join(" | ", Notifications)}";

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try { length = await _notify.ReceiveAsync(buffer, SocketFlags.None, _stop.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            lock (_notifications)
                _notifications.Add(Encoding.UTF8.GetString(buffer, 0, length));
        }
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null) return;
        lock (text) text.Append(line).Append('\n');
    }

    public async ValueTask DisposeAsync()
    {
        if (!_parent.HasExited)
        {
            _parent.Kill(entireProcessTree: true);
            await _parent.WaitForExitAsync();
        }
        _parent.Dispose();
        await _stop.CancelAsync();
        _notify.Dispose();
        await _receiving;
        Directory.Delete(_directory, recursive: true);
    }
}
