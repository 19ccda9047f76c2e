namespace MetricsPipeline.Samples;

/// <summary>A unit an event is booked to; Code is null for the deliberately unassigned rows.</summary>
public readonly record struct PickedUnit(string? Code, OrgLevel Level, int Headcount);

/// <summary>Share of a stream's events per level; the rest of the tree follows each unit's activity.</summary>
public sealed record LevelWeights(double City, double County, double Township, double Village)
{
    public double For(OrgLevel level) => level switch
    {
        OrgLevel.City => City,
        OrgLevel.County => County,
        OrgLevel.Township => Township,
        _ => Village,
    };
}

/// <summary>
/// Picks the unit of each event by level share and unit activity, and now and then books it to a unit the
/// org tree does not know ('X999') or to none at all (NULL), so quarantine has something to show.
/// </summary>
public sealed class UnitPicker
{
    public const string UnknownUnit = "X999";
    private const double UnknownShare = 0.003;
    private const double NullShare = 0.001;

    private readonly OrgUnit[] _units;
    private readonly double[] _cumulative;

    public UnitPicker(IReadOnlyList<OrgUnit> units, LevelWeights weights)
    {
        _units = units.Where(u => weights.For(u.Level) > 0).ToArray();
        var activityPerLevel = _units.GroupBy(u => u.Level).ToDictionary(g => g.Key, g => g.Sum(u => u.Activity));
        _cumulative = new double[_units.Length];
        var sum = 0.0;
        for (var i = 0; i < _units.Length; i++)
        {
            var u = _units[i];
            sum += weights.For(u.Level) * u.Activity / activityPerLevel[u.Level];
            _cumulative[i] = sum;
        }
    }

    public PickedUnit Pick(Random rng, GeneratorStats stats)
    {
        var roll = rng.NextDouble();
        if (roll < NullShare) { stats.NullUnit++; return new PickedUnit(null, OrgLevel.Village, 10); }
        if (roll < NullShare + UnknownShare) { stats.UnknownUnit++; return new PickedUnit(UnknownUnit, OrgLevel.Village, 10); }

        var target = rng.NextDouble() * _cumulative[^1];
        var i = Array.BinarySearch(_cumulative, target);
        if (i < 0) i = ~i;
        var unit = _units[Math.Min(i, _units.Length - 1)];
        return new PickedUnit(unit.Code, unit.Level, unit.Headcount);
    }
}
