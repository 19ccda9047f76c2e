using System.Text;
using MetricsPipeline.Configuration;
using MetricsPipeline.Tests.Infrastructure;

namespace MetricsPipeline.Tests.Integration.BadInput;

/// <summary>
/// The bad-input corpus across providers. README's troubleshooting table lists the same cases; keep them
/// in step. Every case also has a healthy second source ("grid-app", SQLite) that must keep working.
/// </summary>
public static class BadInputCorpus
{
    private static readonly DateOnly March2 = new(2025, 3, 2);

    private static Task Pg(PipelineHarness h, string values) =>
        h.ExecuteSourceAsync($"INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', '2025-03-02 02:00+00', 1), {values}");

    private static Task Sqlite(PipelineHarness h, string values) =>
        h.ExecuteSqliteAsync($"INSERT INTO forms (unit_code, form_code, submitted_at, fields) VALUES ('V01', 'F1', '2025-03-02T10:00:00+08:00', 1), {values}");

    private static SourceOptions Oa(PipelineHarness h) => h.Options.Sources.Single(s => s.Name == "county-oa");

    /// <summary>Replaces the PostgreSQL source with a files source over a fresh drop folder.</summary>
    private static DropFolder Files(PipelineHarness h, Action<StreamOptions>? configure = null)
    {
        var drops = new DropFolder(h);
        h.Options.Sources[0] = drops.Source(configure);
        return drops;
    }

    private static async Task MySql(PipelineHarness h, string rows, Action<SourceOptions>? configure = null)
    {
        var database = await TestMariaDb.CreateDatabaseAsync("badinput", $"""
            CREATE TABLE inspections (id INT AUTO_INCREMENT PRIMARY KEY, unit_code VARCHAR(20), kind VARCHAR(20), started DATETIME NULL, days INT NULL);
            INSERT INTO inspections (unit_code, kind, started, days) VALUES ('T01', 'ONSITE', '2025-03-02 10:00:00', 1), {rows};
            """);
        var source = new SourceOptions
        {
            Name = "county-inspections", Provider = "mysql", ConnectionString = database, TimeZone = "Asia/Shanghai",
            Streams =
            [
                new StreamOptions
                {
                    Name = "inspections", Table = "inspections", Timestamp = "started", TimestampKind = "local", Unit = "unit_code", Code = "kind",
                    Measures = new() { ["count"] = "*", ["days"] = "days" }, Categories = new() { ["ONSITE"] = "inspection.onsite" },
                },
            ],
        };
        configure?.Invoke(source);
        h.Options.Sources[0] = source;
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<System.Net.Sockets.Socket> OpenSockets = [];

    private static void NoRetries(SourceOptions source) => source.Resilience = new ResilienceOptions { MaxRetries = 0 };

    public static readonly IReadOnlyList<BadInputCase> Cases =
    [
        // Rows: quarantined with a reason and a count.
        new("NULL unit", "postgres", h => Pg(h, "(NULL, 'RED', '2025-03-02 02:00+00', 1)"), new Quarantined("documents", "null_unit", 1)),
        new("unknown unit", "postgres", h => Pg(h, "('X999', 'RED', '2025-03-02 02:00+00', 1)"), new Quarantined("documents", "unknown_unit", 1)),
        new("unmapped code", "postgres", h => Pg(h, "('T01', 'PINK', '2025-03-02 02:00+00', 1)"), new Quarantined("documents", "unmapped_code", 1)),
        new("NULL measure", "postgres", h => Pg(h, "('T01', 'RED', '2025-03-02 02:00+00', NULL)"), new Quarantined("documents", "null_measure", 1)),
        new("negative measure", "postgres", h => Pg(h, "('T01', 'RED', '2025-03-02 02:00+00', -2)"), new Quarantined("documents", "negative_measure", 1)),
        new("timestamp in the future", "postgres", h => Pg(h, "('T01', 'RED', '2025-03-20 02:00+00', 1)"), new Quarantined("documents", "future_timestamp", 1)),
        new("timestamp before History.From", "postgres", h => Pg(h, "('T01', 'RED', '2024-06-01 02:00+00', 1)"), new Quarantined("documents", "before_history_start", 1)),
        new("NULL timestamp", "postgres", h => Pg(h, "('T01', 'RED', NULL, 1)"), new Quarantined("documents", "missing_timestamp", 1)),
        new("unparsable timestamp text", "sqlite", h => Sqlite(h, "('V01', 'F1', 'yesterday noon', 1)"), new Quarantined("forms", "unparsable_timestamp", 1)),
        new("offset stream without offset", "sqlite", h => Sqlite(h, "('V01', 'F1', '2025-03-02 10:00:00', 1)"), new Quarantined("forms", "unparsable_timestamp", 1)),
        new("NULL unit (MySQL)", "mysql", h => MySql(h, "(NULL, 'ONSITE', '2025-03-02 11:00:00', 1)"), new Quarantined("inspections", "null_unit", 1)),
        new("negative measure (MySQL)", "mysql", h => MySql(h, "('T01', 'ONSITE', '2025-03-02 11:00:00', -1)"), new Quarantined("inspections", "negative_measure", 1)),
        // The server's default collation is case- and pad-insensitive; grouping at the source must not be.
        new("unit differing in case or by a trailing space (MySQL)", "mysql",
            h => MySql(h, "('t01', 'ONSITE', '2025-03-02 11:00:00', 1), ('T01 ', 'ONSITE', '2025-03-02 11:00:00', 1)"), new Quarantined("inspections", "unknown_unit", 2)),
        new("code differing in case (MySQL)", "mysql", h => MySql(h, "('T01', 'onsite', '2025-03-02 11:00:00', 1)"), new Quarantined("inspections", "unmapped_code", 1)),
        new("non-numeric text in a CSV measure", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,12\nT01,F1,2025-03-02 11:00:00,twelve\n"); return Task.CompletedTask; },
            new Quarantined("reports", "non_numeric_measure", 1)),
        new("unparsable timestamp in a CSV", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\nT01,F1,02/03/2025 10:00,1\n"); return Task.CompletedTask; },
            new Quarantined("reports", "unparsable_timestamp", 1)),
        new("truncated last line", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\nT01,F1,2025-03-"); return Task.CompletedTask; },
            new Quarantined("reports", "malformed_line", 1)),
        new("empty unit cell in a CSV", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\n,F1,2025-03-02 10:00:00,1\n"); return Task.CompletedTask; },
            new Quarantined("reports", "null_unit", 1)),
        new("spreadsheet date cell in an offset stream", "files",
            h =>
            {
                Files(h, s => s.TimestampKind = "offset").WriteXlsx("a.xlsx",
                [
                    new Dictionary<string, object?> { ["unit_code"] = "T01", ["form"] = "F1", ["submitted_at"] = "2025-03-02T10:00:00+08:00", ["fields"] = 1 },
                    new Dictionary<string, object?> { ["unit_code"] = "T01", ["form"] = "F1", ["submitted_at"] = new DateTime(2025, 3, 2, 10, 0, 0), ["fields"] = 1 },
                ]);
                return Task.CompletedTask;
            },
            new Quarantined("reports", "unparsable_timestamp", 1)),
        new("naive time in a daylight-saving gap", "files",
            h =>
            {
                Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-09 02:30:00,1\n");
                h.Options.Sources[0].TimeZone = "America/New_York";
                h.Clock.SetUtcNow(new DateTimeOffset(2025, 3, 12, 0, 0, 0, TimeSpan.Zero));
                return Task.CompletedTask;
            },
            new CountedOn("reports", "T01", "report_form", new DateOnly(2025, 3, 9), 1)),
        new("ambiguous naive time at the end of daylight saving", "files",
            h =>
            {
                Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2024-11-03 01:30:00,1\n");
                h.Options.Sources[0].TimeZone = "America/New_York";
                h.Options.History.From = new DateOnly(2024, 11, 1);
                return Task.CompletedTask;
            },
            new CountedOn("reports", "T01", "report_form", new DateOnly(2024, 11, 3), 1)),

        // Files: the file fails alone, with its name and the cause; or loads empty.
        new("empty file", "files", h => { Files(h).WriteText("a.csv", ""); return Task.CompletedTask; }, new Failed("drops", "reports", "the file is empty")),
        new("file with only a header", "files", h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\n"); return Task.CompletedTask; }, new LoadedEmpty("reports")),
        new("file in the wrong encoding", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\n乡镇,F1,2025-03-02 10:00:00,1\n", DropFolder.Gb18030); return Task.CompletedTask; },
            new Failed("drops", "reports", "not valid utf-8")),
        new("Excel file with merged header cells", "files",
            h =>
            {
                var drops = Files(h);
                drops.WriteXlsx("a.xlsx", [new Dictionary<string, object?> { ["unit_code"] = "T01", ["form"] = "F1", ["submitted_at"] = "2025-03-02 10:00:00", ["fields"] = 1 }]);
                drops.MergeFirstTwoHeaderCells("a.xlsx");
                return Task.CompletedTask;
            },
            new Failed("drops", "reports", "lacks column(s) 'form'")),
        new("CSV with a column missing", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at\nT01,F1,2025-03-02 10:00:00\n"); return Task.CompletedTask; },
            new Failed("drops", "reports", "lacks column(s) 'fields'")),
        new("drop folder missing", "files",
            h => { Files(h, s => s.Folder = "/nonexistent/drops"); return Task.CompletedTask; }, new Failed("drops", "reports", "does not exist")),

        // Hostile or broken drop folders: each entry fails alone with a readable, sanitised reason.
        new("symbolic link out of the drop folder", "files",
            h =>
            {
                var secret = Path.Combine(h.Directory, "credentials.txt");
                File.WriteAllText(secret, "password=hunter2-do-not-leak\n");
                Files(h).Link("a.csv", secret);
                return Task.CompletedTask;
            },
            new Failed("drops", "reports", "leads out of the drop folder", MustNotContain: "hunter2")),
        new("dangling symbolic link", "files", h => { Files(h).Link("a.csv", "/nonexistent/gone.csv"); return Task.CompletedTask; },
            new Failed("drops", "reports", "does not exist")),
        new("FIFO named like a data file", "files", h => { Files(h).Fifo("a.csv"); return Task.CompletedTask; },
            new Failed("drops", "reports", "is a FIFO")),
        new("socket named like a data file", "files",
            h =>
            {
                var drops = Files(h);
                // Kept open for the test process's life: .NET removes a socket's file when the socket is closed.
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(drops.Path, "a.csv")));
                OpenSockets.Add(socket);
                return Task.CompletedTask;
            },
            new Failed("drops", "reports", "is a socket, not a regular file")),
        new("credential file dropped as a CSV (header echo)", "files",
            h => { Files(h).WriteText("a.csv", "postgres://admin:hunter2-do-not-leak-this-secret-at-all@db.internal:5432/oa\n"); return Task.CompletedTask; },
            new Failed("drops", "reports", "lacks column(s)", MustNotContain: "hunter2")),
        new("terminal escapes in a header", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,\u001b]0;owned\u0007\u001b[2J,submitted_at\nT01,x,2025-03-02 10:00:00\n"); return Task.CompletedTask; },
            new Failed("drops", "reports", "\\x1B")),
        new("UTF-16 file without a byte-order mark", "files",
            h => { Files(h).WriteBytes("a.csv", new UnicodeEncoding(false, false).GetBytes("unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\n")); return Task.CompletedTask; },
            new Failed("drops", "reports", "UTF-16 without a byte-order mark")),
        new("UTF-16 file with a byte-order mark", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\n", new UnicodeEncoding(false, true)); return Task.CompletedTask; },
            new Failed("drops", "reports", "UTF-16 or UTF-32")),
        new("unterminated quote", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\nT01,\"F1,2025-03-02 11:00:00,1\nT01,F1,2025-03-02 12:00:00,1\n"); return Task.CompletedTask; },
            new Failed("drops", "reports", "line 3: a quote is not closed")),
        new("stray quote that closes lines later", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\"\nT01,F1,2025-03-02 11:00:00,1\nT01,\"F1\",2025-03-02 12:00:00,1\n"); return Task.CompletedTask; },
            new Failed("drops", "reports", "line 2: a quote is not closed")),

        // Files: how records are counted.
        new("blank and separator-only lines", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\n\nT01,F1,2025-03-02 10:00:00,1\n   \n,,,\n\n"); return Task.CompletedTask; },
            new CountedOn("reports", "T01", "report_form", March2, 1)),
        new("quoted cell spanning lines", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields,note\nT01,F1,2025-03-02 10:00:00,1,\"two\nlines, \"\"quoted\"\"\"\n"); return Task.CompletedTask; },
            new CountedOn("reports", "T01", "report_form", March2, 1)),
        new("digit grouping in a measure", "files",
            h => { Files(h).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\nT01,F1,2025-03-02 11:00:00,\"1,200\"\n"); return Task.CompletedTask; },
            new Quarantined("reports", "non_numeric_measure", 1)),
        new("digit grouping where the stream allows it", "files",
            h => { Files(h, s => s.AllowDigitGrouping = true).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 11:00:00,\"1,200\"\n"); return Task.CompletedTask; },
            new CountedOn("reports", "T01", "report_form", March2, 1)),
        new("badly grouped digits where the stream allows grouping", "files",
            h => { Files(h, s => s.AllowDigitGrouping = true).WriteText("a.csv", "unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\nT01,F1,2025-03-02 11:00:00,\"1,2\"\n"); return Task.CompletedTask; },
            new Quarantined("reports", "non_numeric_measure", 1)),
        new("unit cell too long to index", "files",
            h => { Files(h).WriteText("a.csv", $"unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\n{new string('X', 5000)},F1,2025-03-02 11:00:00,1\n"); return Task.CompletedTask; },
            new Quarantined("reports", "cell_too_long", 1)),
        new("GB18030 file with its byte-order mark", "files",
            h =>
            {
                var body = DropFolder.Gb18030.GetBytes("unit_code,form,submitted_at,fields\nT01,F1,2025-03-02 10:00:00,1\n");
                Files(h, s => s.Encoding = "gb18030").WriteBytes("a.csv", [0x84, 0x31, 0x95, 0x33, .. body]);
                return Task.CompletedTask;
            },
            new CountedOn("reports", "T01", "report_form", March2, 1)),

        // Sources: the window fails with source, stream and cause; earlier data and the other source are untouched.
        new("wrong password", "mysql",
            h => MySql(h, "('T01', 'ONSITE', '2025-03-02 11:00:00', 1)", s => { s.ConnectionString += ";Password=wrong"; NoRetries(s); }),
            new Failed("county-inspections", "inspections", "Access denied")),
        new("host down", "postgres",
            h => { Oa(h).ConnectionString = "Host=127.0.0.1;Port=1;Username=reader;Timeout=3"; NoRetries(Oa(h)); return Task.CompletedTask; },
            new Failed("county-oa", "documents", "refused")),
        new("database missing", "postgres",
            h => { Oa(h).ConnectionString = TestPostgres.AdminConnectionString + ";Database=no_such_department"; NoRetries(Oa(h)); return Task.CompletedTask; },
            new Failed("county-oa", "documents", "does not exist")),
        new("table renamed", "postgres", h => h.ExecuteSourceAsync("ALTER TABLE oa.documents RENAME TO documents_2025"),
            new Failed("county-oa", "documents", "relation \"oa.documents\" does not exist")),
        new("column renamed", "postgres", h => h.ExecuteSourceAsync("ALTER TABLE oa.documents RENAME COLUMN pages TO page_count"),
            new Failed("county-oa", "documents", "column \"pages\" does not exist")),
        new("column type changed", "postgres", h => h.ExecuteSourceAsync("ALTER TABLE oa.documents ALTER COLUMN pages TYPE text; INSERT INTO oa.documents (unit_code, doc_kind, issued_at, pages) VALUES ('T01', 'RED', '2025-03-02 02:00+00', 'two')"),
            new Failed("county-oa", "documents", "operator does not exist: text")),
        new("query times out", "postgres",
            async h =>
            {
                // A Where cannot call pg_sleep (it is refused at start-up); a slow view at the source can.
                await h.ExecuteSourceAsync("CREATE VIEW oa.slow_documents AS SELECT * FROM oa.documents WHERE pg_sleep(3) IS NOT NULL");
                var oa = Oa(h);
                oa.Streams[0].Table = "oa.slow_documents";
                oa.QueryTimeout = TimeSpan.FromSeconds(1);
                oa.Resilience = new ResilienceOptions { MaxRetries = 0, AttemptTimeout = TimeSpan.FromSeconds(1) };
                await Pg(h, "('T01', 'RED', '2025-03-02 03:00+00', 1)");
            },
            new Failed("county-oa", "documents", "timeout")),
        new("far more groups than expected", "postgres",
            h => { Oa(h).MaxGroupsPerWindow = 2; return Pg(h, "('T02', 'RED', '2025-03-02 02:00+00', 1), ('V01', 'RED', '2025-03-02 02:00+00', 1)"); },
            new Failed("county-oa", "documents", "MaxGroupsPerWindow")),
        new("SQLite file missing", "sqlite",
            h =>
            {
                // Swap roles: the broken source is the SQLite one, the healthy one PostgreSQL.
                h.Options.Sources[1].ConnectionString = "Data Source=/nonexistent/grid.db";
                return Pg(h, "('T01', 'RED', '2025-03-02 03:00+00', 1)");
            },
            new Failed("grid-app", "forms", "does not exist")),
    ];
}
