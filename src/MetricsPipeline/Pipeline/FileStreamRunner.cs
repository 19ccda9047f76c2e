using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline.Resilience;
using MetricsPipeline.Pipeline.Telemetry;
using MetricsPipeline.Sources.Files;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Runs a files stream: every ready file whose (name, content hash) differs from what the warehouse holds
/// is loaded in its own transaction; an unchanged file is not read again unless something its
/// classification depends on changed (or the run is a backfill); a file still being written waits.
/// A bad entry or file fails alone, with its name and a sanitised, bounded reason in the ledger and the
/// log, and never blocks the stream's other files or the source's other streams: nothing escapes this
/// runner but cancellation. Content identical to a file already loaded is counted once: under a new name
/// whose old name is gone it is a rename (the old name's contribution moves), beside its original it is
/// a copy and fails. A file that disappears keeps its contribution unless the stream says OnRemoved = retract.
/// </summary>
public sealed partial class FileStreamRunner(
    NpgsqlDataSource warehouse, FileLoader loader, RunLedger ledger, TimeProvider clock, ILogger<FileStreamRunner> logger,
    PipelineMetrics metrics)
{
    public async Task<StreamRunResult> RunAsync(
        long runId, SourcePlan source, StreamPlan stream, DateOnly historyFrom, IReadOnlySet<string> knownUnits,
        IProgress<WindowProgress>? progress, CancellationToken cancellationToken, bool reevaluateAll = false)
    {
        var run = new StreamRun(runId, source, stream);
        try
        {
            await RunFilesAsync(run, historyFrom, knownUnits, progress, reevaluateAll, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The folder or the warehouse failed for the whole stream (not one file): recorded as the stream's failure.
            await FailAsync(run, null, null, ex, clock.GetUtcNow(), null, progress, 0, 0);
        }
        return new StreamRunResult(stream.Name, run.Outcomes, Summary(run.Errors));
    }

    /// <summary>The stream's error for the run: every failure is in ops.windows; the run's error names the first few, bounded.</summary>
    private static string? Summary(IReadOnlyList<string> errors) => errors.Count switch
    {
        0 => null,
        <= MaxErrorsNamed => string.Join("; ", errors),
        _ => string.Join("; ", errors.Take(MaxErrorsNamed)) + $"; and {errors.Count - MaxErrorsNamed} more failed file(s), each in ops.windows",
    };

    private const int MaxErrorsNamed = 10;

    private async Task RunFilesAsync(
        StreamRun run, DateOnly historyFrom, IReadOnlySet<string> knownUnits, IProgress<WindowProgress>? progress, bool reevaluateAll,
        CancellationToken cancellationToken)
    {
        var (source, stream, plan) = (run.Source, run.Stream, run.Stream.Files!);
        var scan = FileDropScanner.Scan(plan, clock.GetUtcNow());
        foreach (var file in scan.Waiting)
            FileWaiting(logger, source.Name, stream.Name, Shown(file.Name), ErrorText.Sanitise(file.Reason));
        foreach (var entry in scan.Rejected)
            await FailAsync(run, entry.Name, null, new IOException(entry.Reason), clock.GetUtcNow(), null, progress, 0, 0);

        var known = await LoadedFilesAsync(source.Name, stream.Name, cancellationToken);
        var classifiedWith = FileClassification.Hash(source, stream, historyFrom);
        var reevaluate = await loader.FilesToReevaluateAsync(source, stream, classifiedWith, cancellationToken);
        var present = scan.Ready.Select(f => f.Name).Concat(scan.Waiting.Select(w => w.Name)).Concat(scan.Rejected.Select(r => r.Name))
            .ToHashSet(StringComparer.Ordinal);
        var index = 0;
        foreach (var file in scan.Ready)
        {
            index++;
            var loaded = known.GetValueOrDefault(file.Name) is { Retracted: false } current ? current : null;
            var mustReevaluate = reevaluateAll || reevaluate.Contains(file.Name);
            // Same size and modification time (to the microsecond the warehouse keeps) as the loaded version: not even read again.
            if (loaded is not null && !mustReevaluate && loaded.Size == file.Size && Math.Abs((loaded.ModifiedAt - file.ModifiedAt.UtcDateTime).Ticks) < 10)
                continue;
            var started = clock.GetUtcNow();
            string? hash = null;
            using var activity = PipelineActivities.StartWindow(source.Name, stream.Name, null, file.Name);
            try
            {
                var read = await loader.ReadAsync(source, stream, file, historyFrom, cancellationToken);
                hash = read.Hash;
                if (loaded is not null && loaded.Hash == read.Hash && !mustReevaluate)
                {
                    await loader.TouchAsync(stream, read, cancellationToken);
                    continue;
                }
                var twin = known.Values.FirstOrDefault(k => !k.Retracted && k.Hash == read.Hash && k.Name != file.Name);
                if (twin is not null && present.Contains(twin.Name))
                {
                    throw new InvalidDataException(
                        $"its content is identical to '{twin.Name}', which is already loaded; it is not counted twice (remove one of the two files)");
                }
                var renamedFrom = twin?.Name;
                var outcome = await loader.WriteAsync(run.RunId, source, stream, read, knownUnits, renamedFrom, classifiedWith, cancellationToken);
                activity.Succeeded(outcome);
                run.Outcomes.Add(outcome);
                // A file load is a window of the stream: the same series as a database window's.
                metrics.WindowSucceeded(source.Name, stream.Name, outcome);
                if (renamedFrom is not null)
                {
                    known.Remove(renamedFrom);
                    FileRenamed(logger, source.Name, stream.Name, Shown(renamedFrom), Shown(file.Name));
                }
                known[file.Name] = new LoadedFile { Name = file.Name, Hash = read.Hash, Size = read.Snapshot.Size, ModifiedAt = read.Snapshot.ModifiedAt.UtcDateTime };
                using (Log.WindowRecordScope(logger, outcome.WindowId))
                    FileLoaded(logger, source.Name, stream.Name, Shown(file.Name), outcome.Counts.SourceRows, outcome.Counts.FactRows, outcome.Counts.QuarantinedRows);
                progress?.Report(new WindowProgress(source.Name, stream.Name, outcome.Window, index, scan.Ready.Count, outcome, null));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var failed = ex as WindowFailedException;
                var message = await FailAsync(run, file.Name, hash, failed?.InnerException ?? ex, failed?.StartedAt ?? started, failed?.Counts, progress, index, scan.Ready.Count);
                activity.SetOutcome(message);
            }
        }

        if (plan.RetractRemoved)
        {
            foreach (var (name, loaded) in known.Where(k => !k.Value.Retracted && !present.Contains(k.Key)).ToList())
            {
                var started = clock.GetUtcNow();
                try
                {
                    run.Outcomes.Add(await loader.RetractAsync(run.RunId, source, stream, name, loaded.Hash, classifiedWith, cancellationToken));
                    FileRetracted(logger, source.Name, stream.Name, Shown(name));
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    await FailAsync(run, name, loaded.Hash, ex, started, null, progress, 0, 0);
                }
            }
        }
    }

    /// <summary>Logs and records one failure (a file, an entry, or the whole stream when <paramref name="fileName"/> is null), sanitised and bounded.</summary>
    /// <returns>The stored error text.</returns>
    private async Task<string> FailAsync(
        StreamRun run, string? fileName, string? hash, Exception cause, DateTimeOffset startedAt, WindowCounts? counts,
        IProgress<WindowProgress>? progress, int index, int count)
    {
        var (source, stream) = (run.Source, run.Stream);
        var what = fileName is null ? "" : $" file '{Shown(fileName)}'";
        var message = ErrorText.Sanitise($"{source.Name}/{stream.Name}{what}: {Describe(cause, stream)}");
        var today = Normalize.LocalCalendar.Today(clock, source.TimeZone);
        var window = new Sources.SourceWindow(today, today, false, false);
        // Recorded first, so that the event names the ops.windows row that holds the failure.
        long? windowId = null;
        try
        {
            windowId = await ledger.RecordFailedWindowAsync(run.RunId, source.Name, stream.Name, window, startedAt, clock.GetUtcNow(), counts,
                message, CancellationToken.None, fileName: fileName is null ? null : ErrorText.Sanitise(fileName, 500), fileHash: hash);
        }
        catch (NpgsqlException ex)
        {
            ResilienceLog.LedgerWriteFailed(logger, fileName is null ? "failed stream" : "failed file", source.Name, ErrorText.Sanitise(ex.Message));
        }
        using (Log.WindowRecordScope(logger, windowId))
            FileFailed(logger, source.Name, stream.Name, fileName is null ? "(the stream)" : Shown(fileName), message);
        progress?.Report(new WindowProgress(source.Name, stream.Name, window, index, count, null, message));
        run.Errors.Add(message);
        metrics.WindowFailed(source.Name, stream.Name, clock.GetUtcNow() - startedAt);
        return message;
    }

    /// <summary>A file name as logged and stored: names are chosen by whoever drops the file, so they are sanitised too.</summary>
    private static string Shown(string fileName) => ErrorText.Sanitise(fileName, 200);

    /// <summary>The cause in words an operator can act on. Stack traces stay out; the text is sanitised by the caller.</summary>
    private static string Describe(Exception ex, StreamPlan stream) => ex switch
    {
        System.Text.DecoderFallbackException => $"the file is not valid {stream.Files!.Encoding.WebName} text ({ex.Message}); check Encoding (gb18030 for many Chinese spreadsheet exports)",
        PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
        UnauthorizedAccessException => $"{ex.Message} (the service account cannot read it)",
        _ => ex.Message,
    };

    private async Task<Dictionary<string, LoadedFile>> LoadedFilesAsync(string source, string stream, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LoadedFile>(new CommandDefinition(
            "SELECT file_name AS Name, file_hash AS Hash, file_size AS Size, modified_at AS ModifiedAt, retracted AS Retracted FROM ops.file_loads WHERE source = @source AND stream = @stream",
            new { source, stream }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    private sealed record StreamRun(long RunId, SourcePlan Source, StreamPlan Stream)
    {
        public List<WindowOutcome> Outcomes { get; } = [];
        public List<string> Errors { get; } = [];
    }

    private sealed record LoadedFile
    {
        public string Name { get; init; } = "";
        public string Hash { get; init; } = "";
        public long Size { get; init; }
        public DateTime ModifiedAt { get; init; }
        public bool Retracted { get; init; }
    }

    [LoggerMessage(EventId = 71201, Level = LogLevel.Information, Message = "Loaded {Source}/{Stream} file {File}: {Rows} data lines = {FactRows} in facts + {QuarantinedRows} quarantined")]
    private static partial void FileLoaded(ILogger logger, string source, string stream, string file, long rows, long factRows, long quarantinedRows);

    [LoggerMessage(EventId = 71202, Level = LogLevel.Error, Message = "File {File} of {Source}/{Stream} failed and rolled back: {Reason}")]
    private static partial void FileFailed(ILogger logger, string source, string stream, string file, string reason);

    [LoggerMessage(EventId = 71203, Level = LogLevel.Information, Message = "File {File} of {Source}/{Stream} waits for the next run: {Reason}")]
    private static partial void FileWaiting(ILogger logger, string source, string stream, string file, string reason);

    [LoggerMessage(EventId = 71204, Level = LogLevel.Information, Message = "File {File} of {Source}/{Stream} was removed from the folder; its contribution is retracted")]
    private static partial void FileRetracted(ILogger logger, string source, string stream, string file);

    [LoggerMessage(EventId = 71205, Level = LogLevel.Information, Message = "File {File} of {Source}/{Stream} is {OldName} renamed (identical content): its contribution moves to the new name, counted once")]
    private static partial void FileRenamed(ILogger logger, string source, string stream, string oldName, string file);
}
