using System.Diagnostics;
using System.Text.Json;
using MetricsPipeline.Configuration;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>The real worker binary (built beside the tests), started as its own process.</summary>
public static class WorkerProcess
{
    public static string WorkerDll => Path.Combine(AppContext.BaseDirectory, "metrics-pipeline.dll");

    /// <summary>Writes a configuration file in the worker's JSON shape.</summary>
    public static string WriteConfig(string directory, string warehouse, PipelineOptions pipeline, object? extra = null)
    {
        var path = Path.Combine(directory, $"config-{Guid.NewGuid():N}.json");
        var document = new Dictionary<string, object?>
        {
            ["ConnectionStrings"] = new { Warehouse = warehouse },
            ["Pipeline"] = pipeline,
            ["Logging"] = new { LogLevel = new { Default = "Warning" } },
        };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
                document[property.Name] = property.Value;
        }
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    public static Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WorkerDll);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the worker");
    }

    /// <summary>Runs the worker to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        using var process = Start(arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"worker {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
