using System.Diagnostics;

namespace MetricsPipeline.Samples;

/// <summary>One generator run: org tree, both department databases, the demo configuration, a summary.</summary>
public static class SampleRun
{
    public static async Task<int> ExecuteAsync(SampleSettings settings, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(settings.OutDir);

        var units = OrgTree.Build(settings.SeedFor(0));
        OrgTree.WriteCsv(units, settings.OrgUnitsPath);

        var documents = new DocumentsGenerator(settings, units);
        var meetings = new MeetingsGenerator(settings, units);
        var oa = new DeptOaDatabase(settings);
        await oa.CreateAsync(documents.Generate(), meetings.Generate(), ct);

        var checkins = new CheckinsGenerator(settings, units);
        var forms = new FormsGenerator(settings, units);
        var grid = new GridDatabase(settings);
        grid.Create(checkins.Generate(), forms.Generate());

        DemoSettingsWriter.Write(settings, oa.ReaderConnectionString(), grid.ReaderConnectionString());

        var stats = new[] { documents.Stats, meetings.Stats, checkins.Stats, forms.Stats };
        Console.WriteLine($"Sample data {settings.From:yyyy-MM-dd} .. {settings.To:yyyy-MM-dd}, seed {settings.Seed}:");
        Console.WriteLine($"  org units      {units.Count,8:N0} -> {settings.OrgUnitsPath}");
        Console.WriteLine($"  {SampleSettings.OaDatabase} (postgres) -> {oa.ReaderConnectionString(maskPassword: true)}");
        Console.WriteLine($"    login {SampleSettings.ReaderRole}: read-only, a random password made for this run, kept only in {settings.DemoSettingsPath} (mode 600)");
        foreach (var s in stats.Take(2)) Console.WriteLine($"    {s}");
        Console.WriteLine($"  grid.db (sqlite) -> {settings.GridDbPath}");
        foreach (var s in stats.Skip(2)) Console.WriteLine($"    {s}");
        Console.WriteLine($"  total          {stats.Sum(s => s.Rows),8:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"  configuration  {settings.DemoSettingsPath}");
        return 0;
    }
}
