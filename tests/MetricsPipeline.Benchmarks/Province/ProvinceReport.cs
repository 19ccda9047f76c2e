namespace MetricsPipeline.Benchmarks.Province;

/// <summary>The province benchmark's figures and its target checks (PASS/FAIL), printed; exit code 1 when the run itself failed.</summary>
internal static class ProvinceReport
{
    public static int Print(ProvinceFigures f, Targets targets)
    {
        var p = f.Pipeline;
        var load = p.WallSeconds - p.RefreshSeconds;
        Console.WriteLine();
        Console.WriteLine($"--- figures, province {f.Province}: {f.Units:N0} units, {p.SourceRows:N0} raw events ---");
        if (p.Error is not null)
            Console.WriteLine($"PIPELINE FAILED: {p.Error}");
        Console.WriteLine($"pipeline backfill: {p.Windows} windows over {ProvinceShape.Kinds.Select(k => k.Source).Distinct().Count()} sources ({ProvinceShape.Kinds.Select(k => (k.Source, k.Stream)).Distinct().Count()} streams), {p.SourceRows:N0} events read, {p.FactSourceRows:N0} as facts, {p.QuarantinedRows:N0} quarantined");
        Console.WriteLine($"  load               {load,10:F1} s   (every window of every source: extract, normalize, write facts)");
        Console.WriteLine($"  refresh            {p.RefreshSeconds,10:F1} s   (indicators and signals of the whole backfill, marts.refresh_queued() after the last window)");
        Console.WriteLine($"  end-to-end         {p.WallSeconds,10:F1} s   (facts, indicators and signals readable)");
        Console.WriteLine($"  source events/s    {p.SourceRows / Math.Max(p.WallSeconds, 1e-9),10:N0}");
        Console.WriteLine($"  peak RSS (VmHWM)   {p.VmHwmKb / 1024.0,10:N0} MB   (pipeline child; {p.VmHwmReadyKb / 1024.0:N0} MB before the run)");
        Console.WriteLine($"  managed allocation {p.AllocatedBytes / 1048576.0,10:N0} MB   (GCs gen0/1/2 {p.Gen0}/{p.Gen1}/{p.Gen2})");
        var late = p.Round?.LateEvents ?? 0;
        var consistent = f.CountSum == f.ExpectedEvents + late && f.Quarantined == 0;
        Console.WriteLine($"  check              sum(count) = {f.CountSum:N0}; the shape's arithmetic {f.ExpectedEvents:N0} + {late:N0} late rows of the round; quarantined {f.Quarantined:N0}" +
                          (consistent ? "  -> consistent" : "  -> MISMATCH"));
        foreach (var (fdw, label) in new[] { (f.Fdw, "(a)  postgres_fdw, AT TIME ZONE 'Asia/Shanghai'"), (f.FdwPushdown, "(a') postgres_fdw, AT TIME ZONE INTERVAL '+08:00'") })
            if (fdw is not null)
                Console.WriteLine($"reference {label} on village-app: {fdw.Wall.TotalSeconds:F1} s, {fdw.Rows:N0} rows (GROUP BY pushed down: {(fdw.AggregatePushedDown ? "yes" : "no")})");
        if (p.Round is { } round)
            Console.WriteLine($"service round: {round.LateEvents:N0} late rows at {round.Source} on {round.Day:yyyy-MM-dd}; re-pull of that day {round.RepullSeconds:F2} s " +
                              $"({round.FactsWritten:N0} facts written), then marts.refresh_queued() {round.RefreshSeconds:F3} s ({round.Loads} load(s)){(round.Error is null ? "" : "  ERROR " + round.Error)}");
        Console.WriteLine();
        WarehouseSize.Print(f.Sizes);
        Console.WriteLine();
        PrintQueries(f.Queries);

        Console.WriteLine();
        Console.WriteLine($"--- targets (issue 9; set for province 37, checked here for {f.Province}) ---");
        var (checks, failures) = (0, 0);
        void Check(string name, double value, double target, string unit, string note = "")
        {
            var pass = !double.IsNaN(value) && value <= target;
            checks++;
            if (!pass) failures++;
            Console.WriteLine($"  {name,-58} {value,10:N3} {unit,-3} target <= {target:N3} {unit,-3} {(pass ? "PASS" : "FAIL")}{note}");
        }
        Check("end-to-end / postgres_fdw reference (a)", f.Fdw is { } a ? p.WallSeconds / a.Wall.TotalSeconds : double.NaN, targets.EndToEnd, "x",
              "  (the reference reads village-app only and writes facts only)");
        if (f.FdwPushdown is { } b)
            Console.WriteLine($"    (against the pushed-down variant (a'): {p.WallSeconds / b.Wall.TotalSeconds:F2} x; load alone / (a): {(f.Fdw is { } a2 ? load / a2.Wall.TotalSeconds : double.NaN):F2} x)");
        Check("service round after one window of one source", p.Round is { Error: null } r ? r.RefreshSeconds : double.NaN, targets.RoundSeconds, "s");
        var martRows = f.Sizes.Where(s => s.Schema == "marts").Sum(s => s.Rows);
        var factRows = f.Sizes.Where(s => s.Schema == "facts").Sum(s => s.Rows);
        Check($"mart rows / fact rows ({martRows:N0} / {factRows:N0})", martRows / (double)Math.Max(1, factRows), 1.0, "x");
        Check("peak RSS of the worker", p.VmHwmKb / 1024.0, targets.RssMb, "MB");
        var monthly = f.Queries.Where(q => q.Query.Name == QueryTimer.MonthlySeriesPanel).ToList();
        Check($"one unit's monthly series p95 (worst of {monthly.Count} units)", monthly.Count == 0 ? double.NaN : monthly.Max(q => q.Error is null ? q.P95Ms : double.NaN), targets.MonthlySeriesMs, "ms");
        Check("townships of one county ranked p95", P95(f.Queries, QueryTimer.TownshipsOfCountyName), targets.TownshipsOfCountyMs, "ms");
        Check("all townships of the province ranked p95 (sql/analyst/01)", P95(f.Queries, QueryTimer.AllTownshipsFile), targets.AllTownshipsMs, "ms");
        var errors = f.Queries.Count(q => q.Error is not null);
        Console.WriteLine($"  {failures} of {checks} targets missed; {errors} quer{(errors == 1 ? "y" : "ies")} failed; load average at the end: {ProvinceRunner.LoadAverage()}");
        return p.Error is null && p.Round?.Error is null && consistent && errors == 0 ? 0 : 1;
    }

    private static double P95(IReadOnlyList<QueryTiming> queries, string name) =>
        queries.FirstOrDefault(q => q.Query.Name == name) is { Error: null } q ? q.P95Ms : double.NaN;

    private static void PrintQueries(IReadOnlyList<QueryTiming> queries)
    {
        Console.WriteLine($"query latency (ms, nearest-rank over the timed runs; Grafana panels as metrics_dashboard with macros expanded, analyst queries as metrics_analyst):");
        Console.WriteLine($"  {"source",-16} {"query",-58} {"unit",-32} {"rows",7} {"p50",9} {"p95",9} {"max",9}");
        foreach (var t in queries)
        {
            var name = t.Query.Name.Length > 58 ? t.Query.Name[..57] + "…" : t.Query.Name;
            var line = $"  {t.Query.Group,-16} {name,-58} {t.Query.Unit,-32} ";
            Console.WriteLine(t.Error is null
                ? line + $"{t.Rows,7:N0} {t.P50Ms,9:F1} {t.P95Ms,9:F1} {t.MaxMs,9:F1}"
                : line + "ERROR " + t.Error);
        }
    }
}
