using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// A second, private PostgreSQL server for fault-injection tests: started with ops/scripts/throwaway-postgres.sh
/// on a free port, crashed on purpose (SIGQUIT to the postmaster: an immediate shutdown, no checkpoint, every
/// open transaction lost), started again, and stopped and deleted on dispose. The shared test server is never
/// touched. A missing PostgreSQL installation fails the test; nothing is skipped.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _directory;

    private ThrowawayPostgres(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_directory, "data");

    public string AdminConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Pooling=false;Timeout=3";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mp-throwaway-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        // The server runs as the postgres user, which must be able to reach its data directory.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        var server = new ThrowawayPostgres(directory, FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port and data directory; crash recovery runs if needed.</summary>
    public async Task StartAgainAsync()
    {
        var (exitCode, output) = await RunAsync(Script, "start", DataDirectory, Port.ToString());
        if (exitCode != 0)
            throw new InvalidOperationException($"throwaway-postgres.sh start failed ({exitCode}): {output}");
    }

    /// <summary>Crashes the server: SIGQUIT to the postmaster, which kills every backend at once. Returns when it is gone.</summary>
    public async Task CrashAsync()
    {
        var pid = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First());
        var (exitCode, output) = await RunAsync("kill", "-QUIT", pid.ToString());
        if (exitCode != 0)
            throw new InvalidOperationException($"kill -QUIT {pid} failed: {output}");
        var watch = Stopwatch.StartNew();
        while (Directory.Exists($"/proc/{pid}") && watch.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(20);
        if (Directory.Exists($"/proc/{pid}"))
            throw new TimeoutException($"postmaster {pid} did not exit within 20 s of SIGQUIT");
    }

    /// <summary>Creates a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(Script, "stop", DataDirectory);
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>ops/scripts/throwaway-postgres.sh of this repository, found above the test binaries.</summary>
    private static string Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "ops", "scripts", "throwaway-postgres.sh");
                if (File.Exists(candidate))
                    return candidate;
            }
            throw new FileNotFoundException("ops/scripts/throwaway-postgres.sh not found above " + AppContext.BaseDirectory);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
