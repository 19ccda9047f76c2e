using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using EvolveDb.Migration;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Versioned migrations whose text was rewritten after their release, from <c>sql/migrations/rewritten.txt</c>.
/// V6 … V31 once held the bodies of views and functions that now live in the SQL layer; those statements were
/// removed from them (issue 9). Every warehouse that applied a file recorded the checksum of its released text
/// in <c>ops.schema_changelog</c>, and Evolve refuses a build whose file has another checksum.
/// <para>
/// The manifest keeps, per rewritten file, two checksums: the released one and the rewritten one. While a
/// file's text is exactly the rewritten text, migrate reports the released checksum, so warehouses that applied
/// either text (and fresh ones, which then record the released checksum too) validate alike. A file whose text
/// is anything else reports its own checksum, which matches no warehouse: an edit to a rewritten file is
/// refused like an edit to any other. A manifest line alone, without that exact text, accepts nothing; and
/// the text alone, without the line, is refused.
/// </para>
/// </summary>
public sealed partial class RewrittenMigrations
{
    public const string ResourceName = "MetricsPipeline.RewrittenMigrations/rewritten.txt";

    private readonly IReadOnlyDictionary<string, RewrittenMigration> _byName;

    private RewrittenMigrations(IReadOnlyDictionary<string, RewrittenMigration> byName) => _byName = byName;

    public IReadOnlyCollection<RewrittenMigration> Files => _byName.Values.ToList();

    [GeneratedRegex(@"^(?<name>V\S+\.sql)\s+(?<released>[0-9A-F]{32})\s+(?<rewritten>[0-9A-F]{32})$", RegexOptions.CultureInvariant)]
    private static partial Regex Line();

    public static RewrittenMigrations Load(Assembly assembly)
    {
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"sql/migrations/rewritten.txt is not embedded in {assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Lines <c>V&lt;n&gt;__name.sql RELEASED REWRITTEN</c> (MD5, upper-case hex, as Evolve records them); # starts a comment.</summary>
    public static RewrittenMigrations Parse(string manifest)
    {
        var byName = new Dictionary<string, RewrittenMigration>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in manifest.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var match = Line().Match(line);
            if (!match.Success)
                throw new InvalidOperationException(
                    $"sql/migrations/rewritten.txt line {number}: expected 'V<n>__name.sql RELEASED-MD5 REWRITTEN-MD5' (upper-case hex), got '{line}'");
            var file = new RewrittenMigration(match.Groups["name"].Value, match.Groups["released"].Value, match.Groups["rewritten"].Value);
            if (!byName.TryAdd(file.Name, file))
                throw new InvalidOperationException($"sql/migrations/rewritten.txt line {number}: {file.Name} is listed twice");
        }
        return new RewrittenMigrations(byName);
    }

    /// <summary>The script as Evolve should see it: with its released checksum when it is a listed file holding exactly the rewritten text.</summary>
    public MigrationScript Wrap(MigrationScript script) =>
        _byName.TryGetValue(script.Name, out var file) ? new RewrittenScript(script, file) : script;

    private sealed class RewrittenScript(MigrationScript script, RewrittenMigration file)
        : MigrationScript(script.Version?.Label, script.Description, script.Name, script.Content, script.Type)
    {
        public override string CalculateChecksum()
        {
            var actual = script.CalculateChecksum();
            return actual == file.RewrittenChecksum ? file.ReleasedChecksum : actual;
        }
    }
}

/// <summary>A rewritten versioned migration: its file name and the checksums of its released and its rewritten text.</summary>
public sealed record RewrittenMigration(string Name, string ReleasedChecksum, string RewrittenChecksum);
