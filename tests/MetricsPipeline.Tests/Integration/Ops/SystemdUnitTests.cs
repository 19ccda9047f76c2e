using System.Diagnostics;
using System.Text.RegularExpressions;
using MetricsPipeline.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MetricsPipeline.Tests.Integration.Ops;

/// <summary>
/// The systemd unit in ops/systemd, checked by systemd's own parser (systemd-analyze verify, from Debian's
/// systemd package, which ops/scripts/test.sh installs when it is missing) and for the choices the
/// operations section of the README relies on. A missing tool fails the test; it is never skipped.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdUnitTests
{
    private const string UnitName = "metrics-pipeline.service";
    private static readonly string Repository = FindRepository();
    private static readonly string Unit = File.ReadAllText(Path.Combine(Repository, "ops", "systemd", UnitName));

    [Fact]
    public async Task SystemdAnalyzeVerify_TheUnit_ReportsNothing()
    {
        var (exitCode, output) = await VerifyAsync(Unit);
        Assert.True(exitCode == 0 && output.Length == 0, $"systemd-analyze verify (exit {exitCode}):\n{output}");
    }

    [Fact]
    public async Task SystemdAnalyzeVerify_ABrokenCopy_IsReported()
    {
        // The check above is only worth something if systemd-analyze speaks up about a bad unit.
        var broken = Unit.Replace("TimeoutStopSec=120", "TimeoutStopSec=two minutes", StringComparison.Ordinal);
        var (_, output) = await VerifyAsync(broken);
        Assert.Contains("two minutes", output);
    }

    [Fact]
    public void Unit_MigrateIsAnInstallStepNeverAnExecStartPre()
    {
        Assert.DoesNotMatch(@"(?m)^\s*ExecStartPre\s*=", Unit);
        var install = File.ReadAllText(Path.Combine(Repository, "ops", "install.sh"));
        Assert.Matches(@"metrics-pipeline""? migrate --config", install);
    }

    [Fact]
    public void Unit_StopTimeoutExceedsTheHostShutdownTimeout()
    {
        var stop = TimeSpan.FromSeconds(int.Parse(Regex.Match(Unit, @"(?m)^TimeoutStopSec=(\d+)$").Groups[1].Value));
        using var host = WorkerHost.CreateBuilder(configFile: null, logToStandardError: true).Build();
        var hostDefault = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.True(stop > hostDefault, $"TimeoutStopSec {stop} must exceed the host's shutdown timeout {hostDefault}, or systemd kills a stopping worker mid-window");
        Assert.Matches(@"(?m)^Type=notify$", Unit);
        Assert.Matches(@"(?m)^LoadCredential=warehouse:", Unit);
    }

    /// <summary>
    /// Verifies the unit inside a scratch root holding the unit, a stand-in for the published binary (verify
    /// checks that ExecStart is executable) and a copy of the system's unit directory (the targets it names).
    /// </summary>
    private static async Task<(int ExitCode, string Output)> VerifyAsync(string unit)
    {
        var tool = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists)
                   ?? throw new InvalidOperationException("systemd-analyze is missing: install Debian's systemd package (ops/scripts/test.sh does).");
        var root = Directory.CreateTempSubdirectory("mp-systemd-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc/systemd/system"));
            await File.WriteAllTextAsync(Path.Combine(root, "etc/systemd/system", UnitName), unit);
            var binary = Path.Combine(root, "opt/metrics-pipeline/metrics-pipeline");
            Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
            await File.WriteAllTextAsync(binary, "#!/bin/sh\n");
            File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var systemUnits = new[] { "/usr/lib/systemd/system", "/lib/systemd/system" }.First(Directory.Exists);
            CopyDirectory(systemUnits, Path.Combine(root, "usr/lib/systemd/system"));

            var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "verify", $"--root={root}", $"/etc/systemd/system/{UnitName}" })
                info.ArgumentList.Add(argument);
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output.Trim());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
                File.CreateSymbolicLink(target, link);
            else if (entry is DirectoryInfo directory)
                CopyDirectory(directory.FullName, target);
            else
                File.Copy(entry.FullName, target);
        }
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ops", "systemd", UnitName)))
                return directory.FullName;
        }
        throw new DirectoryNotFoundException($"no ops/systemd/{UnitName} above {AppContext.BaseDirectory}");
    }
}
