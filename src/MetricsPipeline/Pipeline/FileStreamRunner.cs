using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Pipeline.Telemetry;
using MetricsPipeline.Sources.Files;
using MetricsPipeline.Warehouse;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Runs a files stream: every ready file whose (name, content hash) differs from what the warehouse holds
/// is loaded in its own transaction; an unchanged file is not read again; a file still being written
/// waits. A bad file fails alone (with its name in the ledger) and never blocks the stream's other files.
/// A file that disappears keeps its contribution unless the stream says OnRemoved = retract.
/// </summary>
public sealed partial class FileStreamRunner(
    NpgsqlDataSource warehouse, FileLoader loader, RunLedger ledger, TimeProvider clock, ILogger<FileStreamRunner> logger)
{
    public async Task<StreamRunResult> RunAsync(
        long runId, SourcePlan source, StreamPlan stream, DateOnly historyFrom, IReadOnlySet<string> knownUnits,
        IProgress<WindowProgress>? progress, CancellationToken cancellationToken)
    {
        var plan = stream.Files!;
        IReadOnlyList<DroppedFile> ready;
        IReadOnlyList<WaitingFile> waiting;
        try
        {
            (ready, waiting) = FileDropScanner.Scan(plan, clock.GetUtcNow());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var message = $"{source.Name}/{stream.Name}: {ex.Message}";
            var today = Normalize.LocalCalendar.Today(clock, source.TimeZone);
            await ledger.RecordFailedWindowAsync(runId, source.Name, stream.Name, new Sources.SourceWindow(today, today, false, false),
                clock.GetUtcNow(), clock.GetUtcNow(), null, message, CancellationToken.None);
            return new StreamRunResult(stream.Name, [], message);
        }
        foreach (var file in waiting)
            FileWaiting(logger, source.Name, stream.Name, file.Name, file.Reason);

        var known = await LoadedFilesAsync(source.Name, stream.Name, cancellationToken);
        var outcomes = new List<WindowOutcome>();
        var errors = new List<string>();
        var index = 0;
        foreach (var file in ready)
        {
            index++;
            var loaded = known.GetValueOrDefault(file.Name) is { Retracted: false } current ? current : null;
            // Same size and modification time (to the microsecond the warehouse keeps) as the loaded version: not even hashed again.
            if (loaded is not null && loaded.Size == file.Size && Math.Abs((loaded.ModifiedAt - file.ModifiedAt.UtcDateTime).Ticks) < 10)
                continue;
            var hash = await FileDropScanner.HashAsync(file, cancellationToken);
            if (loaded is not null && loaded.Hash == hash)
                continue;
            using var activity = PipelineActivities.StartWindow(source.Name, stream.Name, null, file.Name);
            try
            {
                var outcome = await loader.LoadAsync(runId, source, stream, file, hash, historyFrom, knownUnits, cancellationToken);
                activity.Succeeded(outcome);
                outcomes.Add(outcome);
                FileLoaded(logger, source.Name, stream.Name, file.Name, outcome.Counts.SourceRows, outcome.Counts.FactRows, outcome.Counts.QuarantinedRows);
                progress?.Report(new WindowProgress(source.Name, stream.Name, outcome.Window, index, ready.Count, outcome, null));
            }
            catch (WindowFailedException ex)
            {
                var message = $"{source.Name}/{stream.Name} file '{file.Name}': {ex.InnerException?.Message ?? ex.Message}";
                FileFailed(logger, ex.InnerException ?? ex, source.Name, stream.Name, file.Name, message);
                activity.SetDays(ex.Window).SetOutcome(message);
                await ledger.RecordFailedWindowAsync(runId, source.Name, stream.Name, ex.Window, ex.StartedAt, clock.GetUtcNow(), ex.Counts,
                    message, CancellationToken.None, fileName: file.Name, fileHash: hash);
                progress?.Report(new WindowProgress(source.Name, stream.Name, ex.Window, index, ready.Count, null, message));
                errors.Add(message);
            }
        }

        if (plan.RetractRemoved)
        {
            var present = ready.Select(f => f.Name).Concat(waiting.Select(w => w.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, loaded) in known.Where(k => !k.Value.Retracted && !present.Contains(k.Key)))
            {
                outcomes.Add(await loader.RetractAsync(runId, source, stream, name, loaded.Hash, cancellationToken));
                FileRetracted(logger, source.Name, stream.Name, name);
            }
        }
        return new StreamRunResult(stream.Name, outcomes, errors.Count == 0 ? null : string.Join("; ", errors));
    }

    private async Task<Dictionary<string, LoadedFile>> LoadedFilesAsync(string source, string stream, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LoadedFile>(new CommandDefinition(
            "SELECT file_name AS Name, file_hash AS Hash, file_size AS Size, modified_at AS ModifiedAt, retracted AS Retracted FROM ops.file_loads WHERE source = @source AND stream = @stream",
            new { source, stream }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
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
    private static partial void FileFailed(ILogger logger, Exception exception, string source, string stream, string file, string reason);

    [LoggerMessage(EventId = 71203, Level = LogLevel.Information, Message = "File {File} of {Source}/{Stream} waits for the next run: {Reason}")]
    private static partial void FileWaiting(ILogger logger, string source, string stream, string file, string reason);

    [LoggerMessage(EventId = 71204, Level = LogLevel.Information, Message = "File {File} of {Source}/{Stream} was removed from the folder; its contribution is retracted")]
    private static partial void FileRetracted(ILogger logger, string source, string stream, string file);
}
