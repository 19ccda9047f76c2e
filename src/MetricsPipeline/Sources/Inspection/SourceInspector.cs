using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using MetricsPipeline.Pipeline;
using MetricsPipeline.Sources.Files;

namespace MetricsPipeline.Sources.Inspection;

/// <summary>
/// Onboarding check for a source (the <c>sources check</c> verb): connects, checks the stream's table and
/// columns with a zero-row probe, runs the real aggregation over a sample window (the last SampleDays days,
/// for files every ready file) without writing anything, and reports the codes found (and which are
/// unmapped), the units the org tree does not know, what would be quarantined, and yesterday's counts.
/// </summary>
public sealed class SourceInspector(SourceProviders providers, TimeProvider clock)
{
    public const int SampleDays = 90;

    public async Task<StreamInspection> InspectAsync(SourcePlan source, StreamPlan stream, IReadOnlySet<string> knownUnits, DateOnly historyFrom, CancellationToken cancellationToken)
    {
        var inspection = new StreamInspection(source.Name, stream.Name, source.Provider);
        var today = LocalCalendar.Today(clock, source.TimeZone);
        var yesterday = today.AddDays(-1);
        var groups = new List<SourceGroup>();
        try
        {
            if (source.IsFileDrop)
                SampleFiles(source, stream, historyFrom, inspection, groups, cancellationToken);
            else
                await SampleDatabaseAsync(source, stream, today, historyFrom, inspection, groups, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            inspection.Problems.Add(ex.Message);
            return inspection;
        }

        var classifier = new GroupClassifier(stream, knownUnits);
        foreach (var group in groups)
        {
            inspection.SampleRows += group.RowCount;
            var classified = classifier.Classify(group);
            if (!classified.IsFact)
                inspection.Quarantine[classified.Reason!] = inspection.Quarantine.GetValueOrDefault(classified.Reason!) + group.RowCount;
            else if (group.Day == yesterday)
                AddPreview(inspection, stream, classified);
        }
        if (stream.Code is not null)
        {
            foreach (var code in groups.GroupBy(g => g.SourceCode).OrderByDescending(c => c.Sum(g => g.RowCount)))
                inspection.Codes.Add(new CodeSeen(code.Key, code.Key is null ? null : stream.CodeMap.GetValueOrDefault(code.Key), code.Sum(g => g.RowCount)));
        }
        foreach (var unit in groups.Where(g => g.UnitCode is null || !knownUnits.Contains(g.UnitCode)).GroupBy(g => g.UnitCode))
            inspection.UnknownUnits.Add(new UnitSeen(unit.Key, unit.Sum(g => g.RowCount)));

        var unmapped = inspection.Codes.Where(c => c.Category is null).ToList();
        if (unmapped.Count > 0)
            inspection.Problems.Add($"{unmapped.Count} code(s) have no category in Categories: {string.Join(", ", unmapped.Select(c => c.Code ?? "(NULL)"))}");
        if (inspection.UnknownUnits.Count > 0)
            inspection.Problems.Add($"{inspection.UnknownUnits.Count} unit code(s) are not in the org tree: {string.Join(", ", inspection.UnknownUnits.Take(20).Select(u => u.Unit ?? "(NULL)"))}");
        if (inspection.SampleRows == 0)
            inspection.Problems.Add($"no rows in the sample ({inspection.SampleDescription}): check Table, Where and Timestamp");
        return inspection;
    }

    private async Task SampleDatabaseAsync(SourcePlan source, StreamPlan stream, DateOnly today, DateOnly historyFrom, StreamInspection inspection, List<SourceGroup> groups, CancellationToken cancellationToken)
    {
        var provider = providers.Get(source.Provider);
        var window = new SourceWindow(today.AddDays(-SampleDays), today, OpenBefore: false, OpenAfter: true);
        var bounds = WindowBounds.For(window, stream.TimestampKind, source.TimeZone, historyFrom, clock.GetUtcNow());
        var query = AggregationQueryBuilder.Build(stream, provider.Dialect, window, bounds, source.TimeZone);
        inspection.GeneratedQuery = query.GroupSql;
        inspection.SampleDescription = $"last {SampleDays} days, {window}";

        await using var session = await provider.OpenAsync(source, stream, cancellationToken);
        // Zero-row probe: a renamed table or column, or a measure over a non-numeric column, fails here by name.
        var probe = query with { CountSql = $"SELECT count(*) FROM ({ProbeSql(stream, provider.Dialect)}) AS probe" };
        await session.CountRowsAsync(probe, cancellationToken);
        await foreach (var group in session.ReadGroupsAsync(query, cancellationToken))
            groups.Add(group);
    }

    private void SampleFiles(SourcePlan source, StreamPlan stream, DateOnly historyFrom, StreamInspection inspection, List<SourceGroup> groups, CancellationToken cancellationToken)
    {
        var (ready, waiting, rejected) = FileDropScanner.Scan(stream.Files!, clock.GetUtcNow());
        inspection.SampleDescription = $"{ready.Count} ready file(s) in {stream.Files!.Folder}" + (waiting.Count > 0 ? $", {waiting.Count} still being written" : "");
        foreach (var entry in rejected)
            inspection.Problems.Add(ErrorText.Sanitise(entry.Reason));
        foreach (var file in ready)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var read = DroppedFileReader.Read(file, stream.Files!,
                    header => new FileAggregator(stream, header, source.TimeZone, historyFrom, clock.GetUtcNow()), source.MaxGroupsPerWindow, cancellationToken);
                groups.AddRange(read.Aggregator.Groups());
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.DecoderFallbackException)
            {
                inspection.Problems.Add(ErrorText.Sanitise($"file '{file.Name}': {ex.Message}"));
            }
        }
    }

    private static string ProbeSql(StreamPlan stream, ISqlDialect dialect)
    {
        var columns = new List<string> { stream.Unit.Render(dialect), stream.Timestamp.Render(dialect) };
        if (stream.Code is not null) columns.Add(stream.Code.Render(dialect));
        columns.AddRange(stream.ValueMeasures.Select(m => $"sum({m.Expression.Render(dialect)})"));
        var where = stream.Where is null ? "1 = 0" : $"{stream.Where.Render(dialect)} AND 1 = 0";
        return $"SELECT {string.Join(", ", columns)} FROM {stream.Table.Render(dialect)} WHERE {where}" +
               (stream.ValueMeasures.Count > 0 ? $" GROUP BY {string.Join(", ", columns.Take(stream.Code is null ? 2 : 3))}" : "");
    }

    private static void AddPreview(StreamInspection inspection, StreamPlan stream, ClassifiedGroup group)
    {
        var valueIndex = 0;
        foreach (var measure in stream.Measures)
        {
            var value = measure.Expression is MeasureExpression.RowCount ? group.RowCount : group.Values[valueIndex++] ?? 0;
            var existing = inspection.Yesterday.FindIndex(p => p.Category == group.Category && p.Measure == measure.Name);
            if (existing < 0)
                inspection.Yesterday.Add(new PreviewRow(group.Category!, measure.Name, value));
            else
                inspection.Yesterday[existing] = inspection.Yesterday[existing] with { Value = inspection.Yesterday[existing].Value + value };
        }
    }
}
