namespace MetricsPipeline.Samples;

/// <summary>What one generator run produces and from which seed.</summary>
/// <param name="OutDir">Absolute folder for org_units.csv, grid.db and appsettings.demo.json.</param>
/// <param name="Postgres">Connection string of an account allowed to create databases and roles.</param>
/// <param name="Seed">Same seed and dates, same rows.</param>
/// <param name="From">First local day with events.</param>
/// <param name="To">Last local day with regular events; a handful of rows are dated after it on purpose.</param>
public sealed record SampleSettings(string OutDir, string Postgres, int Seed, DateOnly From, DateOnly To)
{
    public const string OaDatabase = "dept_oa";
    public const string ReaderRole = "reader";
    public const string ReaderPassword = "reader";

    public string OrgUnitsPath => Path.Combine(OutDir, "org_units.csv");
    public string GridDbPath => Path.Combine(OutDir, "grid.db");
    public string DemoSettingsPath => Path.Combine(OutDir, "appsettings.demo.json");

    /// <summary>
    /// An independent, stable seed per generator, so adding rows to one table never shifts another's.
    /// (string.GetHashCode is randomised per process, hence plain arithmetic.)
    /// </summary>
    public int SeedFor(int stream) => unchecked(Seed * 1_000_003 + stream * 7_919);
}
