using System.CommandLine;
using MetricsPipeline.Samples;

// Wiring only: parse the options, hand them to SampleRun.
var outOption = new Option<DirectoryInfo>("--out") { Description = "Folder for org_units.csv, grid.db and appsettings.demo.json", Required = true };
var postgresOption = new Option<string>("--postgres")
{
    Description = "Connection string of a PostgreSQL account that may create databases and roles, e.g. \"Host=127.0.0.1;Port=5432;Username=postgres\"",
    Required = true,
};
var seedOption = new Option<int>("--seed") { Description = "Random seed; same seed and dates, same data", DefaultValueFactory = _ => 42 };
var toOption = new Option<DateOnly>("--to")
{
    Description = "Last day with events (default: yesterday, UTC)",
    DefaultValueFactory = _ => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1),
};

var root = new RootCommand("Generates the sample department databases (PostgreSQL dept_oa, SQLite grid.db), the org-units CSV and appsettings.demo.json.")
{
    outOption, postgresOption, seedOption, toOption,
};
root.SetAction(async (result, ct) =>
{
    var from = new DateOnly(2024, 1, 1);
    var to = result.GetValue(toOption);
    if (to < from)
    {
        Console.Error.WriteLine($"--to must be on or after {from:yyyy-MM-dd}.");
        return 2;
    }
    var settings = new SampleSettings(
        Path.GetFullPath(result.GetValue(outOption)!.FullName),
        result.GetValue(postgresOption)!,
        result.GetValue(seedOption),
        from,
        to);
    return await SampleRun.ExecuteAsync(settings, ct);
});

return await root.Parse(args).InvokeAsync();
