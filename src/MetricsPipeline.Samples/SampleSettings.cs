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

    /// <summary>
    /// The read-only login the demo creates for dept_oa. The role is cluster-wide, so its name says whose it is,
    /// and the generator refuses to take over a role of that name it did not create (see <see cref="DeptOaDatabase"/>).
    /// </summary>
    public const string ReaderRole = "metrics_demo_reader";

    /// <summary>
    /// A fresh random password for the reader on every run: the demo may run against a server it did not start
    /// (METRICS_WAREHOUSE), where a login with a known password would be a door left open. It is written only
    /// into appsettings.demo.json (mode 600), which the pipeline reads.
    /// </summary>
    public string ReaderPassword { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    public string OrgUnitsPath => Path.Combine(OutDir, "org_units.csv");
    public string GridDbPath => Path.Combine(OutDir, "grid.db");
    public string DemoSettingsPath => Path.Combine(OutDir, "appsettings.demo.json");

    /// <summary>
    /// An independent, stable seed per generator, so adding rows to one table never shifts another's.
    /// (string.GetHashCode is randomised per process, hence plain arithmetic.)
    /// </summary>
    public int SeedFor(int stream) => unchecked(Seed * 1_000_003 + stream * 7_919);
}
