using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Sources.Files;
using MetricsPipeline.Warehouse;
using Npgsql;

namespace MetricsPipeline.Pipeline;

/// <summary>
/// Reads one dropped file and replaces its contribution: stream the rows through the aggregator (the
/// file's own GROUP BY), classify the groups, COPY them, commit. Any failure rolls the file back; the
/// earlier version's contribution stays as it was.
/// </summary>
public sealed class FileLoader(NpgsqlDataSource warehouse, TimeProvider clock)
{
    public async Task<WindowOutcome> LoadAsync(
        long runId, SourcePlan source, StreamPlan stream, DroppedFile file, string hash, DateOnly historyFrom,
        IReadOnlySet<string> knownUnits, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        WindowCounts? counts = null;
        try
        {
            var plan = stream.Files!;
            FileAggregator aggregator;
            using (var table = TabularFile.Open(file, plan))
            {
                aggregator = new FileAggregator(stream, table.Header, source.TimeZone, historyFrom, started);
                foreach (var row in table.Rows())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    aggregator.Add(row);
                    if (aggregator.GroupCount > source.MaxGroupsPerWindow)
                        throw new InvalidDataException($"more than MaxGroupsPerWindow = {source.MaxGroupsPerWindow:N0} (unit, code, day) groups");
                }
            }

            var classifier = new GroupClassifier(stream, knownUnits);
            await using var writer = await FileLoadWriter.BeginAsync(warehouse, runId, stream, file.Name, hash, started, cancellationToken);
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
            var result = await writer.CommitAsync(file.Name, hash, file.Size, file.ModifiedAt, counts.Value, retracted: false, clock.GetUtcNow(), cancellationToken);
            var (first, last) = writer.Days;
            var today = LocalCalendar.Today(clock, source.TimeZone);
            return WindowOutcome.Succeeded(new Sources.SourceWindow(first ?? today, last ?? today, false, false), counts.Value, result, clock.GetUtcNow() - started);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var cause = ex is System.Text.DecoderFallbackException
                ? new InvalidDataException($"the file is not valid {stream.Files!.Encoding.WebName} text ({ex.Message}); check Encoding (gb18030 for many Chinese spreadsheet exports)", ex)
                : ex;
            var today = LocalCalendar.Today(clock, source.TimeZone);
            throw new WindowFailedException(new Sources.SourceWindow(today, today, false, false), counts, started, cause);
        }
    }

    /// <summary>Removes the contribution of a file that left the folder (streams with OnRemoved = retract).</summary>
    public async Task<WindowOutcome> RetractAsync(long runId, SourcePlan source, StreamPlan stream, string fileName, string lastHash, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        await using var writer = await FileLoadWriter.BeginAsync(warehouse, runId, stream, fileName, lastHash, started, cancellationToken);
        var counts = new WindowCounts(0, 0, 0);
        var result = await writer.CommitAsync(fileName, lastHash, 0, started, counts, retracted: true, clock.GetUtcNow(), cancellationToken);
        var today = LocalCalendar.Today(clock, source.TimeZone);
        return WindowOutcome.Succeeded(new Sources.SourceWindow(today, today, false, false), counts, result, clock.GetUtcNow() - started);
    }
}
