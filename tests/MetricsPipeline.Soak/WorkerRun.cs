using System.Diagnostics;

namespace MetricsPipeline.Soak;

/// <summary>The real worker as a child process: run a verb to the end, or serve with output to a log file.</summary>
internal static class WorkerRun
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string workerDll, string[] arguments)
    {
        using var process = Process.Start(Info(workerDll, arguments)) ?? throw new InvalidOperationException("could not start the worker");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public static Process Start(string workerDll, string[] arguments, string logFile)
    {
        var process = Process.Start(Info(workerDll, arguments)) ?? throw new InvalidOperationException("could not start the worker");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        void Write(string? line)
        {
            if (line is null) return;
            lock (log) log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) => { lock (log) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>SIGTERM through kill(1), as systemctl stop sends it; returns the exit code, or -1 if it did not stop in time.</summary>
    public static async Task<int> TerminateAsync(Process process, TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString() }, UseShellExecute = false }))
            await kill!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return -1;
        }
    }

    private static ProcessStartInfo Info(string workerDll, string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(workerDll);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return info;
    }
}
