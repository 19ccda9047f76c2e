using System.Diagnostics;
using System.Net;
using System.Text;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.Observability;

/// <summary>
/// The real worker with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver this test runs on 127.0.0.1:
/// run-once sends its spans there before it exits. OTLP/HTTP carries protobuf, whose strings are plain UTF-8
/// bytes, so span names and attribute values can be found in the request bodies without a protobuf decoder.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task RunOnce_WithAnOtlpEndpoint_ExportsItsRunWindowAndRefreshSpans()
    {
        await using var h = await PipelineHarness.CreateAsync("otlp");
        h.Options.History.From = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-5);
        h.Options.Sources[0].Streams.RemoveAt(1);
        h.Options.Sources.RemoveAt(1);
        var port = ThrowawayPostgres.FreePort();
        // The endpoint as a top-level key of the configuration file, the protocol as an environment variable: the
        // exporter reads its standard settings from either.
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { OTEL_EXPORTER_OTLP_ENDPOINT = $"http://127.0.0.1:{port}" });

        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var bodies = new List<(string Path, byte[] Body)>();
        var receiving = ReceiveAsync(receiver, bodies);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { WorkerProcess.WorkerDll, "run-once", "--config", config })
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        using var worker = Process.Start(info)!;
        var output = new ProcessOutput(worker);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            await worker.WaitForExitAsync(timeout.Token);
        await output.CompletedAsync();
        Assert.True(worker.ExitCode == 0, "run-once failed: " + output);
        receiver.Stop();
        await receiving;

        List<(string Path, byte[] Body)> received;
        lock (bodies) received = [.. bodies];
        Assert.NotEmpty(received);
        Assert.All(received, r => Assert.Equal("/v1/traces", r.Path));
        var text = Encoding.UTF8.GetString(received.SelectMany(r => r.Body).ToArray());
        foreach (var expected in new[] { "metrics_pipeline.run", "metrics_pipeline.window", "metrics_pipeline.indicators.refresh",
                     "metrics-pipeline", "county-oa", "documents", "run-once", "succeeded" })
            Assert.True(text.Contains(expected, StringComparison.Ordinal), $"'{expected}' is in no exported span");
    }

    [Fact]
    public async Task RunOnce_AnEndpointThatIsNoUrl_StopsStartUpNamingTheKey()
    {
        await using var h = await PipelineHarness.CreateAsync("otlp_bad");
        var config = WorkerProcess.WriteConfig(h.Directory, h.Warehouse, h.Options, new { OTEL_EXPORTER_OTLP_ENDPOINT = "collector:4317" });

        var (exitCode, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "run-once", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' is not an http:// or https:// URL", output);
    }

    private static async Task ReceiveAsync(HttpListener receiver, List<(string, byte[])> bodies)
    {
        while (receiver.IsListening)
        {
            HttpListenerContext context;
            try { context = await receiver.GetContextAsync(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            lock (bodies) bodies.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
