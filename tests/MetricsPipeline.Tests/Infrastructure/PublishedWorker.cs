using System.Diagnostics;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// The worker as ops/install.sh installs it: `dotnet publish -c Release` into a temporary folder, run through its
/// apphost (the `metrics-pipeline` executable the unit's ExecStart names). Published once per test class.
/// </summary>
public sealed class PublishedWorker : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mp-published-").FullName;

    public string Executable => Path.Combine(Directory, "metrics-pipeline");

    public async Task InitializeAsync()
    {
        var project = Path.Combine(Repository.Root, "src", "MetricsPipeline.Worker", "MetricsPipeline.Worker.csproj");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-o", Directory, "--nologo", "-v", "quiet" })
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !File.Exists(Executable))
            throw new InvalidOperationException($"dotnet publish failed (exit {process.ExitCode}):\n{await stdout}{await stderr}");
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The repository the tests run from (the folder holding MetricsPipeline.sln).</summary>
public static class Repository
{
    public static readonly string Root = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MetricsPipeline.sln")))
                return directory.FullName;
        }
        throw new DirectoryNotFoundException($"no MetricsPipeline.sln above {AppContext.BaseDirectory}");
    }
}
