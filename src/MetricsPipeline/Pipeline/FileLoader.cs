using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources.Files;
using MetricsPipeline.Warehouse;
using Npgsql;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Reads one dropped file, then replaces its contribution: stream the rows through the aggregator (the
/// file's own GROUP BY) while hashing them, classify the groups, COPY them, commit. The read and the write
/// are two steps so that the stream runner can decide in between, knowing the hash of what was read,
/// whether the file is unchanged, a copy of another file, or a renamed one. Any failure rolls the file
/// back; the earlier version's contribution stays as it was.
/// </summary>
public sealed class FileLoader(NpgsqlDataSource warehouse, TimeProvider clock)
{
    /// <summary>
    /// Reads the file on a worker thread, bounded by the stream's ReadTimeout. The timeout is measured on
    /// the system clock: it guards real I/O time (a hung network share), whatever clock the pipeline runs on.
    /// A read stuck in the kernel past it is abandoned and the run goes on.
    /// </summary>
    public async Task<ReadFile> ReadAsync(SourcePlan source, StreamPlan stream, DroppedFile file, DateOnly historyFrom, CancellationToken cancellationToken)
    {
        var plan = stream.Files!;
        var now = clock.GetUtcNow();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = Task.Run(() => DroppedFileReader.Read(file, plan,
            header => new FileAggregator(stream, header, source.TimeZone, historyFrom, now), source.MaxGroupsPerWindow, stop.Token), stop.Token);
        try
        {
            return await read.WaitAsync(plan.ReadTimeout, TimeProvider.System, cancellationToken);
        }
        catch (TimeoutException)
        {
            await stop.CancelAsync();
            throw new TimeoutException($"reading the file took longer than ReadTimeout = {plan.ReadTimeout}; nothing of it is loaded, and the next run reads it again");
        }
        finally
        {
            // The abandoned read ends on its own (cancelled at its next block); its outcome is observed here.
            _ = read.ContinueWith(t => { _ = t.Exception; stop.Dispose(); }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Classifies the groups of a read file and replaces its contribution (and, for a rename, its old name's).
    /// <paramref name="classifiedWith"/> is stored with it: the hash of the configuration it is classified with.
    /// </summary>
    public async Task<WindowOutcome> WriteAsync(
        long runId, SourcePlan source, StreamPlan stream, ReadFile read, IReadOnlySet<string> knownUnits, string? renamedFrom,
        string classifiedWith, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        WindowCounts? counts = null;
        try
        {
            var aggregator = read.Aggregator;
            var classifier = new GroupClassifier(stream, knownUnits);
            await using var writer = await FileLoadWriter.BeginAsync(warehouse, runId, stream, read.File.Name, read.Hash, started, cancellationToken);
            long factRows = 0, quarantinedRows = 0;
            foreach (var group in aggregator.Groups())
            {
                var classified = classifier.Classify(group);
                if (classified.IsFact) factRows += classified.RowCount; else quarantinedRows += classified.RowCount;
                writer.Write(classified);
            }
            counts = new WindowCounts(aggregator.Rows, factRows, quarantinedRows);
            if (factRows + quarantinedRows != aggregator.Rows)
                throw new ReconciliationException($"reconciliation failed: {factRows} rows in facts + {quarantinedRows} quarantined, but the file has {aggregator.Rows} data lines");
            var today = LocalCalendar.Today(clock, source.TimeZone);
            var result = await writer.CommitAsync(read.File.Name, read.Hash, read.Snapshot.Size, read.Snapshot.ModifiedAt, counts.Value, retracted: false,
                classifiedWith, clock.GetUtcNow(), today, cancellationToken, renamedFrom);
            var (first, last) = writer.Days;
            return WindowOutcome.Succeeded(new Sources.SourceWindow(first ?? today, last ?? today, false, false), counts.Value, result, clock.GetUtcNow() - started);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var today = LocalCalendar.Today(clock, source.TimeZone);
            throw new WindowFailedException(new Sources.SourceWindow(today, today, false, false), counts, started, ex);
        }
    }

    /// <summary>Removes the contribution (and the coverage) of a file that left the folder (streams with OnRemoved = retract).</summary>
    public async Task<WindowOutcome> RetractAsync(
        long runId, SourcePlan source, StreamPlan stream, string fileName, string lastHash, string classifiedWith, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        await using var writer = await FileLoadWriter.BeginAsync(warehouse, runId, stream, fileName, lastHash, started, cancellationToken);
        var counts = new WindowCounts(0, 0, 0);
        var today = LocalCalendar.Today(clock, source.TimeZone);
        var result = await writer.CommitAsync(fileName, lastHash, 0, started, counts, retracted: true, classifiedWith, clock.GetUtcNow(), today, cancellationToken);
        return WindowOutcome.Succeeded(new Sources.SourceWindow(today, today, false, false), counts, result, clock.GetUtcNow() - started);
    }

    /// <summary>Remembers the new modification time of a file whose content did not change, so the next scan skips it unread.</summary>
    public async Task TouchAsync(StreamPlan stream, ReadFile read, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        await Dapper.SqlMapper.ExecuteAsync(connection, new Dapper.CommandDefinition(FileLoadSql.TouchFileLoad, new
        {
            source = stream.Source, stream = stream.Name, fileName = read.File.Name, fileHash = read.Hash,
            fileSize = read.Snapshot.Size, modifiedAt = read.Snapshot.ModifiedAt.UtcDateTime,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>The files of the stream whose stored classification may be out of date (see <see cref="FileLoadSql.FilesToReevaluate"/>).</summary>
    public async Task<IReadOnlySet<string>> FilesToReevaluateAsync(SourcePlan source, StreamPlan stream, string classifiedWith, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        var names = await Dapper.SqlMapper.QueryAsync<string>(connection, new Dapper.CommandDefinition(FileLoadSql.FilesToReevaluate, new
        {
            source = source.Name, stream = stream.Name, classifiedWith, today = LocalCalendar.Today(clock, source.TimeZone),
        }, cancellationToken: cancellationToken));
        return names.ToHashSet(StringComparer.Ordinal);
    }
}
