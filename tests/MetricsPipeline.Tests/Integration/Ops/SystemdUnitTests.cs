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

    /// <summary>The bound issue 10 sets for `systemd-analyze security` (0 safest, 10 most exposed).</summary>
    private const double MaxExposure = 2.0;

    [Fact]
    public async Task SystemdAnalyzeSecurity_TheUnit_IsAtMostTheBound()
    {
        var (exitCode, exposure, output) = await SecurityAsync(Unit);
        Assert.True(exposure <= MaxExposure, $"systemd-analyze security rates the unit {exposure} (bound {MaxExposure}):\n{output}");
        Assert.True(exitCode == 0, $"systemd-analyze security --threshold failed (exit {exitCode}):\n{output}");
    }

    [Fact]
    public async Task SystemdAnalyzeSecurity_ACopyWithoutItsSandbox_IsAboveTheBound()
    {
        // The bound is only worth something if the check sees a sandbox go: drop the namespace, capability and
        // system-call lines, as a hasty edit would.
        var unhardened = Regex.Replace(Unit, @"(?m)^(Private\w+|Protect(Kernel\w+|Proc|Clock|Hostname|ControlGroups)|CapabilityBoundingSet|SystemCallFilter|RestrictAddressFamilies|RestrictNamespaces)=.*$\n?", "");
        var (exitCode, exposure, output) = await SecurityAsync(unhardened);
        Assert.True(exposure > MaxExposure, $"the unhardened copy rates {exposure}:\n{output}");
        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public void Unit_NeverDeniesTheJitWritableExecutableMemory()
    {
        // The .NET JIT needs memory it writes and then executes; MemoryDenyWriteExecute=yes stops the runtime at start.
        Assert.DoesNotMatch(@"(?m)^MemoryDenyWriteExecute\s*=\s*(yes|true|1)", Unit);
        Assert.Matches(@"(?m)^User=metrics-pipeline$", Unit);
        var install = File.ReadAllText(Path.Combine(Repository, "ops", "install.sh"));
        Assert.Contains("service_user=metrics-pipeline", install);
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

    /// <summary>`systemd-analyze security --offline=yes` of the unit: the exit code against the bound and the overall exposure it prints.</summary>
    private static async Task<(int ExitCode, double Exposure, string Output)> SecurityAsync(string unit)
    {
        var directory = Directory.CreateTempSubdirectory("mp-systemd-security-").FullName;
        try
        {
            var path = Path.Combine(directory, UnitName);
            await File.WriteAllTextAsync(path, unit);
            // --threshold is on systemd's 0-100 scale, the printed level on 0-10.
            var (exitCode, output) = await RunToolAsync("security", "--offline=yes", $"--threshold={(int)(MaxExposure * 10)}", path);
            var level = Regex.Match(output, @"Overall exposure level for \S+: (\d+\.\d+)");
            Assert.True(level.Success, "systemd-analyze security printed no overall exposure level:\n" + output);
            return (exitCode, double.Parse(level.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunToolAsync(params string[] arguments)
    {
        var tool = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists)
                   ?? throw new InvalidOperationException("systemd-analyze is missing: install Debian's systemd package (ops/scripts/test.sh does).");
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout + await stderr).Trim());
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
