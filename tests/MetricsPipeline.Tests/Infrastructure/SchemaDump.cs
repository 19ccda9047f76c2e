using System.Diagnostics;
using Dapper;
using Npgsql;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// A warehouse's schema as <c>pg_dump --schema-only --no-owner</c> prints it (every table, column, constraint,
/// index, view and function body, comment and grant; the Quartz job store left out), cut into its objects
/// (pg_dump heads each with <c>-- Name: …; Type: …</c>) and sorted, so two warehouses whose objects were
/// created in another order compare equal; so do two grant lists holding the same grants (pg_dump prints them
/// in the order they were made). Session settings and the per-run <c>\restrict</c> key are dropped.
/// pg_dump is the one of the server's major version (<c>/usr/lib/postgresql/&lt;major&gt;/bin</c>, as the test
/// script installs it); a missing one fails the test.
/// </summary>
public static class SchemaDump
{
    public static async Task<IReadOnlyList<string>> TakeAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var pgDump = $"/usr/lib/postgresql/{await ServerMajorAsync(connectionString)}/bin/pg_dump";
        if (!File.Exists(pgDump))
            throw new InvalidOperationException($"{pgDump} is missing: install the PostgreSQL client of the test server's version");

        var start = new ProcessStartInfo(pgDump)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--schema-only", "--no-owner", "--exclude-schema=quartz", "--dbname", builder.Database! },
            Environment =
            {
                ["PGHOST"] = builder.Host,
                ["PGPORT"] = builder.Port.ToString(),
                ["PGUSER"] = builder.Username,
                ["PGPASSWORD"] = builder.Password ?? "",
            },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{pgDump} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"pg_dump of {builder.Database} exited {process.ExitCode}: {await stderr}");
        return Objects(await stdout);
    }

    /// <summary>Fails listing the objects (up to five on each side) that only one of the two schemas has.</summary>
    public static void AssertEqual(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string what)
    {
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && expected.Count == actual.Count,
            $"{what}: {expected.Count} objects expected, {actual.Count} found; {missing.Count} differ or are missing:\n" +
            string.Join("\n", missing.Take(5)) + $"\n{extra.Count} differ or are new:\n" + string.Join("\n", extra.Take(5)));
    }

    private static async Task<int> ServerMajorAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        return await db.ExecuteScalarAsync<int>("SELECT current_setting('server_version_num')::integer / 10000");
    }

    private static List<string> Objects(string dump)
    {
        var objects = new List<string>();
        var current = new List<string>();
        foreach (var line in dump.Split('\n'))
        {
            if (line.StartsWith("-- Name: ", StringComparison.Ordinal))
            {
                Flush();
                current.Add(line);
            }
            else if (current.Count > 0 && !IsSessionNoise(line))
                current.Add(line);
        }
        Flush();
        objects.Sort(StringComparer.Ordinal);
        return objects;

        void Flush()
        {
            // The "--" lines that frame the next object's header belong to neither.
            while (current.Count > 0 && current[^1] is "" or "--")
                current.RemoveAt(current.Count - 1);
            // A grant list is a set: its order is the order the grants were made in, which an upgraded
            // warehouse's history changes (V16 granted the read-only roles before V26 granted the writer).
            if (current.Count > 0 && (current[0].Contains("; Type: ACL;", StringComparison.Ordinal) || current[0].Contains("; Type: DEFAULT ACL;", StringComparison.Ordinal)))
                current = [current[0], .. current.Skip(1).Order(StringComparer.Ordinal)];
            if (current.Count > 0)
                objects.Add(string.Join("\n", current));
            current.Clear();
        }
    }

    private static bool IsSessionNoise(string line) =>
        line.StartsWith("SET ", StringComparison.Ordinal)
        || line.StartsWith("SELECT pg_catalog.set_config(", StringComparison.Ordinal)
        || line.StartsWith("\\restrict ", StringComparison.Ordinal)
        || line.StartsWith("\\unrestrict ", StringComparison.Ordinal)
        || line.StartsWith("-- PostgreSQL database dump", StringComparison.Ordinal);
}
