using Dapper;
using MetricsPipeline.Configuration;
using MetricsPipeline.Normalize;
using Npgsql;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Brings the warehouse's reference data in line with configuration and the org-units file at the start
/// of every run: units (a vanished unit becomes inactive, never deleted), configured categories, streams,
/// code maps, targets and indicator settings. Serialized by an advisory lock so parallel sources do not race.
/// </summary>
public sealed class ReferenceSync(NpgsqlDataSource warehouse)
{
    private const long LockKey = 0x4D50_5245_4600; // "MPREF"

    /// <summary>Syncs and returns every unit code the warehouse knows (active or not).</summary>
    public async Task<IReadOnlySet<string>> SyncAsync(PipelineOptions options, IReadOnlyList<SourcePlan> sources, CancellationToken cancellationToken)
    {
        var units = OrgUnitsFile.Read(options.OrgUnits);
        await using var connection = await warehouse.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await Run(connection, tx, "SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, cancellationToken);

        await Run(connection, tx, ReferenceSql.UpsertUnits, new
        {
            codes = units.Select(u => u.Code).ToArray(),
            names = units.Select(u => u.Name).ToArray(),
            parents = units.Select(u => u.ParentCode).ToArray(),
            levels = units.Select(u => u.Level).ToArray(),
            headcounts = units.Select(u => u.Headcount).ToArray(),
        }, cancellationToken);

        await Run(connection, tx, ReferenceSql.UpsertConfiguredCategories, new
        {
            names = options.Categories.Select(c => c.Name).ToArray(),
            families = options.Categories.Select(c => Taxonomy.FamilyOf(c.Name)).ToArray(),
            kinds = options.Categories.Select(c => c.Kind).ToArray(),
            descriptions = options.Categories.Select(c => c.Description).ToArray(),
            // Without a label the code stands in: it is what the reader would otherwise see, and invents no translation.
            labelsZh = options.Categories.Select(c => string.IsNullOrWhiteSpace(c.LabelZh) ? c.Name : c.LabelZh).ToArray(),
            labelsEn = options.Categories.Select(c => string.IsNullOrWhiteSpace(c.LabelEn) ? c.Name : c.LabelEn).ToArray(),
        }, cancellationToken);

        var streams = sources.SelectMany(s => s.Streams.Select(st => (Source: s, Stream: st))).ToList();
        await Run(connection, tx, ReferenceSql.SyncStreams, new
        {
            sources = streams.Select(x => x.Source.Name).ToArray(),
            streams = streams.Select(x => x.Stream.Name).ToArray(),
            providers = streams.Select(x => x.Source.Provider).ToArray(),
            zones = streams.Select(x => x.Source.TimeZone.Id).ToArray(),
            historyFrom = options.History.From,
            measures = streams.Select(x => string.Join(',', x.Stream.Measures.Select(m => m.Name))).ToArray(),
            categories = streams.Select(x => string.Join(',', x.Stream.Categories)).ToArray(),
        }, cancellationToken);

        await Run(connection, tx, ReferenceSql.SyncSources, new
        {
            sources = sources.Select(s => s.Name).ToArray(),
            providers = sources.Select(s => s.Provider).ToArray(),
            zones = sources.Select(s => s.TimeZone.Id).ToArray(),
            schedules = sources.Select(s => s.Schedule).ToArray(),
            freshness = sources.Select(s => s.ExpectedFreshness).ToArray(),
        }, cancellationToken);

        var codes = streams.SelectMany(x => x.Stream.CodeMap.Select(kv => (x.Source.Name, x.Stream.Name, kv.Key, kv.Value))).ToList();
        await Run(connection, tx, ReferenceSql.SyncCodeMap, new
        {
            sources = codes.Select(c => c.Item1).ToArray(),
            streams = codes.Select(c => c.Item2).ToArray(),
            sourceCodes = codes.Select(c => c.Key).ToArray(),
            categories = codes.Select(c => c.Value).ToArray(),
        }, cancellationToken);

        var indicators = options.Indicators;
        await Run(connection, tx, ReferenceSql.SyncTargets, new
        {
            patterns = indicators.Targets.Select(t => t.Category).ToArray(),
            scopes = indicators.Targets.Select(t => string.IsNullOrWhiteSpace(t.Scope) ? null : t.Scope).ToArray(),
            bases = indicators.Targets.Select(t => t.BasePeriod ?? indicators.BasePeriod).ToArray(),
            reductions = indicators.Targets.Select(t => t.Reduction).ToArray(),
            publicSources = indicators.Targets.Select(t => t.PublicSource).ToArray(),
        }, cancellationToken);
        await Run(connection, tx, ReferenceSql.SyncTariffs, new
        {
            patterns = indicators.Tariffs.Select(t => t.Category).ToArray(),
            minutes = indicators.Tariffs.Select(t => t.MinutesPerItem).ToArray(),
            weights = indicators.Tariffs.Select(t => t.IndexWeight).ToArray(),
            rationales = indicators.Tariffs.Select(t => t.Rationale).ToArray(),
        }, cancellationToken);
        await Run(connection, tx, ReferenceSql.SyncSettings, new
        {
            basePeriod = indicators.BasePeriod,
            threshold = indicators.CoverageThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            workingHours = indicators.WorkingHoursPerFteYear.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken);

        var known = await connection.QueryAsync<string>(new CommandDefinition("SELECT code FROM ref.units", transaction: tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return known.ToHashSet(StringComparer.Ordinal);
    }

    private static Task<int> Run(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, object parameters, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: cancellationToken));
}
