using MetricsPipeline.Configuration;
using MetricsPipeline.Sources;

namespace MetricsPipeline.Normalize;

/// <summary>A source group after normalization: a category for facts, or a reason for quarantine.</summary>
public sealed record ClassifiedGroup(
    DateOnly? Day, string? UnitCode, string? SourceCode, string? Category, string? Reason, string? Detail, long RowCount, decimal?[] Values)
{
    public bool IsFact => Reason is null;
}

/// <summary>
/// Decides, per group, whether its rows become facts or wait in quarantine: problems found at the source
/// (timestamps, measures) first, then the unit (null or not in the org tree), then the code map.
/// Nothing is dropped: every group leaves with a category or a reason.
/// </summary>
public sealed class GroupClassifier(StreamPlan stream, IReadOnlySet<string> knownUnits)
{
    public ClassifiedGroup Classify(SourceGroup group)
    {
        if (group.Problem is { } problem)
        {
            var colon = problem.IndexOf(':');
            return colon < 0
                ? Quarantine(group, problem, null)
                : Quarantine(group, problem[..colon], problem[(colon + 1)..]);
        }
        if (string.IsNullOrEmpty(group.UnitCode))
            return Quarantine(group, QuarantineReason.NullUnit, null);
        if (!knownUnits.Contains(group.UnitCode))
            return Quarantine(group, QuarantineReason.UnknownUnit, null);

        var category = stream.FixedCategory;
        if (category is null && (group.SourceCode is null || !stream.CodeMap.TryGetValue(group.SourceCode, out category)))
            return Quarantine(group, QuarantineReason.UnmappedCode, null);

        return new ClassifiedGroup(group.Day, group.UnitCode, group.SourceCode, category, null, null, group.RowCount, group.Values);
    }

    private static ClassifiedGroup Quarantine(SourceGroup group, string reason, string? detail) =>
        new(group.Day, group.UnitCode, group.SourceCode, null, reason, detail, group.RowCount, group.Values);
}
